/// Small Unicode helpers for PDF text: UTF-16 (big-endian bytes or code units) with
/// surrogate pairs, where anything broken becomes U+FFFD rather than an error.
enum UnicodeText {
    static func decodeUTF16(_ units: [UInt16]) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        var i = 0
        while i < units.count {
            let u = units[i]
            if (0xD800...0xDBFF).contains(u), i + 1 < units.count, (0xDC00...0xDFFF).contains(units[i + 1]) {
                let v = 0x10000 + ((UInt32(u) - 0xD800) << 10) + (UInt32(units[i + 1]) - 0xDC00)
                out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
                i += 2
            } else {
                out.append(Unicode.Scalar(UInt32(u)) ?? "\u{FFFD}")
                i += 1
            }
        }
        return out
    }

    /// Big-endian UTF-16 bytes; a single byte is read as a character code of its own.
    static func decodeUTF16BE(_ bytes: [UInt8]) -> String {
        if bytes.count == 1 { return String(Unicode.Scalar(bytes[0])) }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var i = 0
        while i + 1 < bytes.count {
            units.append(UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1]))
            i += 2
        }
        var s = String.UnicodeScalarView()
        for scalar in decodeUTF16(units) { s.append(scalar) }
        return String(s)
    }
}
