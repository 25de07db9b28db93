/// The built-in encoding of an embedded Type 1 font program (`/FontFile`): the clear-text
/// part before `eexec` says `StandardEncoding` or lists `dup <code> /<glyph> put`. Simple
/// fonts without `/Encoding` (or with only `/Differences`) use it, as pdfTeX's fonts do.
enum Type1FontProgram {
    /// 256 glyph names, or nil when the program has no readable encoding.
    static func builtInEncoding(_ program: [UInt8]) -> [String?]? {
        // The clear text ends at `eexec`; only look there.
        let end = PDFParser.find(Array("eexec".utf8), in: program, from: 0, end: min(program.count, 1 << 20)) ?? min(program.count, 1 << 20)
        guard let start = PDFParser.find(Array("/Encoding".utf8), in: program, from: 0, end: end) else { return nil }
        var lexer = PDFLexer(program, position: start + 9, end: end)
        if case .keyword("StandardEncoding") = lexer.peek() { return SimpleEncoding.standard.glyphNames }
        var names = [String?](repeating: nil, count: 256)
        var found = false
        var previous: [PDFLexer.Token] = []
        while true {
            let t = lexer.next()
            if t == .end { break }
            if case .keyword("def") = t, found { break }
            if case .keyword("readonly") = t, found { break }
            if case .keyword("put") = t, previous.count >= 3,
               case .keyword("dup") = previous[previous.count - 3], case .integer(let code) = previous[previous.count - 2],
               case .name(let glyph) = previous[previous.count - 1], (0..<256).contains(code) {
                names[code] = glyph
                found = true
            }
            previous.append(t)
            if previous.count > 3 { previous.removeFirst() }
        }
        return found ? names : nil
    }
}
