/// Where each object of a file is (ISO 32000-1, 7.5.4–7.5.8): classic `xref` tables and
/// cross-reference streams, followed back through `/Prev` across incremental updates (the
/// newest entry for an object wins), hybrid files' `/XRefStm`, and the merged trailer.
/// When the table cannot be read, ``scan(_:)`` rebuilds it from the objects themselves.
struct PDFCrossReference {
    enum Entry: Equatable {
        /// `n g obj` at a byte offset.
        case offset(Int, generation: Int)
        /// The `index`th object of object stream `stream`.
        case compressed(stream: Int, index: Int)
    }

    /// Sections followed through `/Prev` before giving up (a loop or an absurd chain).
    static let sectionsMax = 256
    /// Entries one section may declare.
    static let entriesMax = 8_000_000

    var entries: [Int: Entry] = [:]
    var trailer = PDFDictionary()

    // MARK: Reading the table

    /// Reads the table from `startxref` back through every update.
    /// - Throws: ``PDFError`` (damaged) when there is no `startxref`, or a section cannot be read.
    static func read(_ bytes: [UInt8], decode: (PDFStream) throws -> [UInt8]?) throws -> PDFCrossReference {
        guard let start = startxref(bytes) else { throw PDFError.damaged("no startxref") }
        var table = PDFCrossReference()
        var next: Int? = start
        var seen = Set<Int>()
        var first = true
        while let offset = next, seen.count < sectionsMax {
            guard offset >= 0, offset < bytes.count, seen.insert(offset).inserted else {
                if first { throw PDFError.damaged("startxref points outside the file") }
                break
            }
            let section = try readSection(bytes, at: offset, decode: decode)
            table.merge(section.entries)
            if let stm = section.trailer["XRefStm"]?.integer, stm >= 0, stm < bytes.count, !seen.contains(stm),
               let hybrid = try? readSection(bytes, at: stm, decode: decode) {
                seen.insert(stm)
                table.merge(hybrid.entries)
            }
            for (k, v) in section.trailer.entries where table.trailer[k] == nil { table.trailer[k] = v }
            next = section.trailer["Prev"]?.integer
            first = false
        }
        guard table.trailer["Root"] != nil else { throw PDFError.damaged("the trailer has no /Root") }
        return table
    }

    /// Adds older entries under newer ones.
    mutating func merge(_ older: [Int: Entry]) {
        for (n, e) in older where entries[n] == nil { entries[n] = e }
    }

    /// The offset after the last `startxref`.
    static func startxref(_ bytes: [UInt8]) -> Int? {
        let key = Array("startxref".utf8)
        let from = max(0, bytes.count - 4096)
        var found: Int?
        var i = from
        while let at = PDFParser.find(key, in: bytes, from: i, end: bytes.count) {
            found = at
            i = at + 1
        }
        guard let at = found else { return nil }
        var lexer = PDFLexer(bytes, position: at + key.count)
        if case .integer(let n) = lexer.next() { return n }
        return nil
    }

    /// One section: a classic table and its trailer, or a cross-reference stream.
    static func readSection(_ bytes: [UInt8], at offset: Int, decode: (PDFStream) throws -> [UInt8]?) throws -> (entries: [Int: Entry], trailer: PDFDictionary) {
        var lexer = PDFLexer(bytes, position: offset)
        lexer.skipWhitespaceAndComments()
        if lexer.matches("xref", at: lexer.position) {
            _ = lexer.next()
            return try classicSection(&lexer)
        }
        var parser = PDFParser(bytes, position: offset)
        guard let (_, object) = parser.indirectObject(), case .stream(let stream) = object, stream.dictionary.type == "XRef" else {
            throw PDFError.damaged("no cross-reference table at offset \(offset)")
        }
        return (try streamSection(stream, decode: decode), stream.dictionary)
    }

    /// `xref` subsections (`start count` then `offset generation n|f` lines) and `trailer << … >>`.
    static func classicSection(_ lexer: inout PDFLexer) throws -> (entries: [Int: Entry], trailer: PDFDictionary) {
        var entries: [Int: Entry] = [:]
        while true {
            let t = lexer.next()
            if case .keyword("trailer") = t {
                var parser = PDFParser(lexer.bytes, position: lexer.position)
                guard case .dictionary(let d)? = parser.parseObject() else { throw PDFError.damaged("a trailer that is not a dictionary") }
                return (entries, d)
            }
            guard case .integer(let start) = t, case .integer(let count) = lexer.next(), start >= 0, count >= 0, count <= entriesMax else {
                throw PDFError.damaged("a malformed cross-reference table")
            }
            for i in 0..<count {
                guard case .integer(let offset) = lexer.next(), case .integer(let generation) = lexer.next(), case .keyword(let kind) = lexer.next() else {
                    throw PDFError.damaged("a malformed cross-reference entry")
                }
                let (number, overflow) = start.addingReportingOverflow(i)
                guard !overflow else { throw PDFError.damaged("a malformed cross-reference table") }
                // The first subsection of some writers starts at 1 but lists object 0: a free entry then.
                if kind == "n", offset > 0, entries[number] == nil { entries[number] = .offset(offset, generation: generation) }
            }
        }
    }

    /// A cross-reference stream's entries: `/W` field widths, `/Index` ranges (default `[0 Size]`).
    static func streamSection(_ stream: PDFStream, decode: (PDFStream) throws -> [UInt8]?) throws -> [Int: Entry] {
        let d = stream.dictionary
        guard let w = d["W"]?.array?.compactMap(\.integer), w.count == 3, w.allSatisfy({ (0...8).contains($0) }) else {
            throw PDFError.damaged("a cross-reference stream without a valid /W")
        }
        guard let data = try decode(stream) else { throw PDFError.damaged("a cross-reference stream that cannot be decoded") }
        var ranges: [(Int, Int)] = []
        if let index = d["Index"]?.array?.compactMap(\.integer), index.count >= 2 {
            for i in stride(from: 0, to: index.count - 1, by: 2) { ranges.append((index[i], index[i + 1])) }
        } else {
            ranges = [(0, d["Size"]?.integer ?? 0)]
        }
        let rowLength = w[0] + w[1] + w[2]
        guard rowLength > 0 else { throw PDFError.damaged("a cross-reference stream with empty rows") }
        var entries: [Int: Entry] = [:]
        var at = 0
        func field(_ width: Int, default value: Int) -> Int {
            guard width > 0 else { return value }
            var v = 0
            for _ in 0..<width {
                v = (v << 8) | Int(data[at])
                at += 1
            }
            return v
        }
        for (start, count) in ranges {
            guard start >= 0, start <= Int(Int32.max), count >= 0, count <= entriesMax else { throw PDFError.damaged("a malformed /Index") }
            for i in 0..<count {
                guard at + rowLength <= data.count else { return entries }
                let type = field(w[0], default: 1)
                let a = field(w[1], default: 0)
                let b = field(w[2], default: 0)
                let number = start + i
                guard entries[number] == nil else { continue }
                switch type {
                case 1 where a > 0: entries[number] = .offset(a, generation: b)
                case 2: entries[number] = .compressed(stream: a, index: b)
                default: break
                }
            }
        }
        return entries
    }

    // MARK: Recovery

    /// Rebuilds the table by scanning the file for `n g obj` (the last definition of an
    /// object wins, as with incremental updates) and takes the trailer from the last
    /// `trailer` or cross-reference stream that names a `/Root`; without one, an object
    /// of `/Type /Catalog` is the root. Objects inside object streams are added by the
    /// document once it can decode them.
    static func scan(_ bytes: [UInt8]) -> PDFCrossReference {
        var table = PDFCrossReference()
        let obj = Array("obj".utf8)
        var i = 0
        var catalog: Int?
        while let at = PDFParser.find(obj, in: bytes, from: i, end: bytes.count) {
            i = at + 3
            // `obj` must stand alone: not `endobj`, not `objstm`.
            guard at > 0, PDFLexer.isWhitespace(bytes[at - 1]), at + 3 == bytes.count || !PDFLexer.isRegular(bytes[at + 3]) else { continue }
            // Back over the generation and the number.
            var j = at - 1
            while j >= 0, PDFLexer.isWhitespace(bytes[j]) { j -= 1 }
            let genEnd = j + 1
            while j >= 0, bytes[j] >= UInt8(ascii: "0"), bytes[j] <= UInt8(ascii: "9") { j -= 1 }
            let genStart = j + 1
            guard genStart < genEnd, genEnd - genStart <= 5, j >= 0, PDFLexer.isWhitespace(bytes[j]) else { continue }
            while j >= 0, PDFLexer.isWhitespace(bytes[j]) { j -= 1 }
            let numEnd = j + 1
            while j >= 0, bytes[j] >= UInt8(ascii: "0"), bytes[j] <= UInt8(ascii: "9") { j -= 1 }
            let numStart = j + 1
            guard numStart < numEnd, numEnd - numStart <= 10, j < 0 || !PDFLexer.isRegular(bytes[j]) else { continue }
            var lexer = PDFLexer(bytes, position: numStart)
            guard case .integer(let number) = lexer.next(), case .integer(let generation) = lexer.next() else { continue }
            table.entries[number] = .offset(numStart, generation: generation)
            // Peek at the object's dictionary for a catalog or a cross-reference stream's trailer keys.
            var parser = PDFParser(bytes, position: numStart)
            parser.lexer = PDFLexer(bytes, position: numStart, end: min(bytes.count, numStart + 4096))
            if let (_, object) = parser.indirectObject(), let d = object.dictionary {
                if d.type == "Catalog" { catalog = number }
                if d.type == "XRef", d["Root"] != nil {
                    for (k, v) in d.entries where ["Root", "Info", "ID", "Encrypt"].contains(k) { table.trailer[k] = v }
                }
            }
        }
        // Classic trailers: the last one with a /Root wins.
        let key = Array("trailer".utf8)
        i = 0
        while let at = PDFParser.find(key, in: bytes, from: i, end: bytes.count) {
            i = at + key.count
            var parser = PDFParser(bytes, position: i)
            if case .dictionary(let d)? = parser.parseObject(), d["Root"] != nil {
                for (k, v) in d.entries where ["Root", "Info", "ID", "Encrypt"].contains(k) { table.trailer[k] = v }
            }
        }
        if table.trailer["Root"] == nil, let c = catalog {
            table.trailer["Root"] = .reference(PDFReference(number: c, generation: 0))
        }
        return table
    }
}
