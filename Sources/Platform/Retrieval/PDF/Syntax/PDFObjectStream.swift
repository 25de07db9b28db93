/// An object stream (`/Type /ObjStm`, ISO 32000-1, 7.5.7): `/N` pairs of object number and
/// offset, then the objects from `/First` on.
struct PDFObjectStream {
    let data: [UInt8]
    let first: Int
    /// (object number, offset from `first`) for each object, in order.
    let index: [(number: Int, offset: Int)]

    init(stream: PDFStream, decoded data: [UInt8]) {
        self.data = data
        let n = max(0, min(stream.dictionary["N"]?.integer ?? 0, data.count / 2 + 1))
        first = max(0, min(stream.dictionary["First"]?.integer ?? 0, data.count))
        var lexer = PDFLexer(data, position: 0, end: first)
        var index: [(Int, Int)] = []
        index.reserveCapacity(n)
        for _ in 0..<n {
            guard case .integer(let number) = lexer.next(), case .integer(let offset) = lexer.next() else { break }
            index.append((number, offset))
        }
        self.index = index
    }

    /// The `i`th object, or nil when the stream has fewer.
    func object(at i: Int, resolveLength: ((PDFReference) -> Int?)?) -> PDFObject? {
        guard i >= 0, i < index.count else { return nil }
        let (start, overflow) = first.addingReportingOverflow(index[i].offset)
        guard !overflow, start >= 0, start < data.count else { return nil }
        var parser = PDFParser(data, position: start, resolveLength: resolveLength)
        return parser.parseObject()
    }
}
