/// ASCIIHexDecode: pairs of hexadecimal digits up to `>`; whitespace and stray bytes are
/// skipped, an odd last digit is followed by 0.
enum ASCIIHexDecoder {
    static func decode(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(input.count / 2)
        var high: UInt8?
        for b in input {
            if b == UInt8(ascii: ">") { break }
            guard let v = PDFLexer.hexValue(b) else { continue }
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        if let h = high { out.append(h << 4) }
        return out
    }
}
