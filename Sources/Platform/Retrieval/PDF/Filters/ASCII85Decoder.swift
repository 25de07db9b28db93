/// ASCII85Decode: groups of five characters `!`…`u` to four bytes, `z` for four zero bytes,
/// `~>` at the end; a last partial group of n characters gives n − 1 bytes. Whitespace is
/// skipped; a group that overflows 32 bits ends the data.
enum ASCII85Decoder {
    static func decode(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 4 / 5)
        var group: UInt64 = 0
        var count = 0
        var i = input.startIndex
        // An optional `<~` prefix.
        if input.count >= 2, input[i] == UInt8(ascii: "<"), input[i + 1] == UInt8(ascii: "~") { i += 2 }
        func flush(_ n: Int) {
            for k in 0..<n { out.append(UInt8(truncatingIfNeeded: group >> UInt64(24 - 8 * k))) }
        }
        while i < input.endIndex {
            let b = input[i]
            i += 1
            if PDFLexer.isWhitespace(b) { continue }
            if b == UInt8(ascii: "~") { break }
            if b == UInt8(ascii: "z"), count == 0 {
                out.append(contentsOf: [0, 0, 0, 0])
                continue
            }
            guard b >= UInt8(ascii: "!"), b <= UInt8(ascii: "u") else { break }
            group = group * 85 + UInt64(b - UInt8(ascii: "!"))
            count += 1
            if count == 5 {
                guard group <= UInt64(UInt32.max) else { return out }
                flush(4)
                group = 0
                count = 0
            }
        }
        if count > 1 {
            for _ in count..<5 { group = group * 85 + 84 }
            guard group <= UInt64(UInt32.max) else { return out }
            flush(count - 1)
        }
        return out
    }
}
