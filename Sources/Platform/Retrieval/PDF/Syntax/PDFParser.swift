/// Reads PDF objects from tokens: arrays, dictionaries, references (`12 0 R`), streams, and
/// indirect objects (`12 0 obj … endobj`). Nesting is bounded, so hostile input cannot
/// exhaust the stack; anything malformed ends the object where it stops making sense.
struct PDFParser {
    /// Deeper arrays and dictionaries are cut off (read as null).
    static let depthMax = 64

    var lexer: PDFLexer
    /// Resolves a stream's indirect `/Length`; nil means the length is not known.
    var resolveLength: ((PDFReference) -> Int?)?

    init(_ bytes: [UInt8], position: Int = 0, end: Int? = nil, resolveLength: ((PDFReference) -> Int?)? = nil) {
        lexer = PDFLexer(bytes, position: position, end: end)
        self.resolveLength = resolveLength
    }

    /// The next object, or nil at the end of the input or on a token that starts no object
    /// (a keyword such as `endobj` or a content stream operator).
    mutating func parseObject(depth: Int = 0) -> PDFObject? {
        let token = lexer.next()
        return object(startingWith: token, depth: depth)
    }

    mutating func object(startingWith token: PDFLexer.Token, depth: Int) -> PDFObject? {
        switch token {
        case .integer(let n):
            // `n g R` is a reference; look ahead without consuming otherwise.
            var ahead = lexer
            if case .integer(let g) = ahead.next(), case .keyword("R") = ahead.next() {
                lexer = ahead
                return .reference(PDFReference(number: n, generation: g))
            }
            return .integer(n)
        case .real(let v): return .real(v)
        case .name(let n): return .name(n)
        case .string(let s): return .string(s)
        case .arrayOpen:
            var items: [PDFObject] = []
            while true {
                let t = lexer.next()
                if t == .arrayClose || t == .end { break }
                if depth >= Self.depthMax { skipNested(after: t, close: .arrayClose); break }
                if case .keyword(let k) = t, k == "endobj" || k == "stream" || k == "endstream" { lexer.position -= k.utf8.count; break }
                if let o = object(startingWith: t, depth: depth + 1) { items.append(o) }
            }
            return .array(items)
        case .dictionaryOpen:
            return .dictionary(dictionaryBody(depth: depth))
        case .keyword("true"): return .bool(true)
        case .keyword("false"): return .bool(false)
        case .keyword("null"): return .null
        default: return nil
        }
    }

    /// A dictionary's entries after `<<`, up to `>>`.
    mutating func dictionaryBody(depth: Int) -> PDFDictionary {
        var d = PDFDictionary()
        while true {
            let t = lexer.next()
            switch t {
            case .dictionaryClose, .end:
                return d
            case .name(let key):
                if depth >= Self.depthMax { skipNested(after: t, close: .dictionaryClose); return d }
                let valueToken = lexer.next()
                if valueToken == .dictionaryClose || valueToken == .end { return d }
                if case .keyword(let k) = valueToken, k == "endobj" || k == "stream" {
                    lexer.position -= k.utf8.count
                    return d
                }
                if let v = object(startingWith: valueToken, depth: depth + 1) {
                    if v != .null { d[key] = v }
                }
            case .keyword(let k) where k == "endobj" || k == "stream" || k == "endstream":
                // A dictionary missing its `>>`: stop before the keyword.
                lexer.position -= k.utf8.count
                return d
            default:
                continue // junk between entries is skipped
            }
        }
    }

    /// Skips tokens up to the bracket that closes a structure too deep to keep.
    private mutating func skipNested(after first: PDFLexer.Token, close: PDFLexer.Token) {
        var level = 1
        var t = first
        while true {
            switch t {
            case .arrayOpen, .dictionaryOpen: level += 1
            case .arrayClose, .dictionaryClose: level -= 1
            case .end: return
            default: break
            }
            if level <= 0 { return }
            t = lexer.next()
        }
    }

    /// An indirect object at the lexer's position: `n g obj <object> [stream … endstream] endobj`.
    /// Returns its reference and object, or nil when the header is not there.
    mutating func indirectObject() -> (PDFReference, PDFObject)? {
        guard case .integer(let n) = lexer.next(), case .integer(let g) = lexer.next(), case .keyword("obj") = lexer.next() else { return nil }
        let reference = PDFReference(number: n, generation: g)
        let token = lexer.next()
        guard let object = object(startingWith: token, depth: 0) else { return (reference, .null) }
        if case .dictionary(let d) = object {
            var ahead = lexer
            if case .keyword("stream") = ahead.next() {
                lexer = ahead
                return (reference, .stream(streamBody(d, origin: reference)))
            }
        }
        return (reference, object)
    }

    /// The data of a stream whose keyword `stream` was just read: `/Length` bytes after the
    /// end of line, checked against `endstream`; if the length is wrong or missing, the data
    /// runs up to the next `endstream`.
    mutating func streamBody(_ dictionary: PDFDictionary, origin: PDFReference?) -> PDFStream {
        let bytes = lexer.bytes
        var start = lexer.position
        if start < lexer.end, bytes[start] == 0x0D { start += 1 }
        if start < lexer.end, bytes[start] == 0x0A { start += 1 }
        var length: Int?
        switch dictionary["Length"] {
        case .integer(let l)?: length = l
        case .reference(let r)?: length = resolveLength?(r)
        default: break
        }
        if let l = length, l >= 0, l <= lexer.end - start, Self.endstreamFollows(bytes, at: start + l, end: lexer.end) {
            lexer.position = start + l
            _ = lexer.next() // endstream
            return PDFStream(dictionary: dictionary, data: bytes[start..<(start + l)], origin: origin)
        }
        // Search for the keyword; trim the end of line before it.
        let stop = Self.find(Array("endstream".utf8), in: bytes, from: start, end: lexer.end) ?? lexer.end
        var dataEnd = stop
        if dataEnd > start, bytes[dataEnd - 1] == 0x0A { dataEnd -= 1 }
        if dataEnd > start, bytes[dataEnd - 1] == 0x0D { dataEnd -= 1 }
        lexer.position = min(lexer.end, stop + 9)
        return PDFStream(dictionary: dictionary, data: bytes[start..<max(start, dataEnd)], origin: origin)
    }

    static func endstreamFollows(_ bytes: [UInt8], at offset: Int, end: Int) -> Bool {
        var i = offset
        while i < end, PDFLexer.isWhitespace(bytes[i]) { i += 1 }
        let k = Array("endstream".utf8)
        guard i + k.count <= end else { return false }
        return Array(bytes[i..<(i + k.count)]) == k
    }

    /// The first offset of `needle` in `bytes[from..<end]`.
    static func find(_ needle: [UInt8], in bytes: [UInt8], from: Int, end: Int) -> Int? {
        guard let first = needle.first, needle.count <= end - from, from >= 0 else { return nil }
        var i = from
        let last = end - needle.count
        while i <= last {
            if bytes[i] == first {
                var j = 1
                while j < needle.count, bytes[i + j] == needle[j] { j += 1 }
                if j == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
