/// RunLengthDecode: a length byte n < 128 copies the next n + 1 bytes, n > 128 repeats the
/// next byte 257 − n times, 128 ends the data.
enum RunLengthDecoder {
    static func decode(_ input: ArraySlice<UInt8>, limit: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var i = input.startIndex
        while i < input.endIndex {
            let n = Int(input[i])
            i += 1
            if n == 128 { break }
            if n < 128 {
                let end = min(input.endIndex, i + n + 1)
                out.append(contentsOf: input[i..<end])
                i = end
            } else {
                guard i < input.endIndex else { break }
                out.append(contentsOf: repeatElement(input[i], count: 257 - n))
                i += 1
            }
            guard out.count <= limit else { throw PDFError.limit("a stream decodes to more than \(limit >> 20) MiB") }
        }
        return out
    }
}
