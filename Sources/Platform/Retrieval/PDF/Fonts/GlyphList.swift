/// Glyph names to Unicode text (Adobe Glyph List 2.0 and its naming conventions): a name in
/// the list (``source``, generated), `uniXXXX` runs, `uXXXX[XX]`, ligatures written with
/// underscores (`f_f_i`), and a suffix after a period ignored (`a.sc`). The ligatures ff,
/// fi, fl, ffi and ffl become their letters, so that words read as words.
enum GlyphList {
    static let table: [String: String] = {
        var t: [String: String] = [:]
        for line in source.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count >= 2 else { continue }
            var text = ""
            for hex in parts.dropFirst() {
                if let v = UInt32(hex, radix: 16), let s = Unicode.Scalar(v) { text.unicodeScalars.append(s) }
            }
            t[String(parts[0])] = text
        }
        return t
    }()

    /// The text for a glyph name, or nil when the name means nothing we know.
    static func text(for name: String) -> String? {
        if let t = table[name] { return t }
        var base = Substring(name)
        if let dot = base.firstIndex(of: "."), dot != base.startIndex { base = base[..<dot] }
        if base != Substring(name), let t = table[String(base)] { return t }
        if base.contains("_") {
            let parts = base.split(separator: "_").map { text(forComponent: $0) }
            guard !parts.isEmpty, parts.allSatisfy({ $0 != nil }) else { return nil }
            return parts.map { $0! }.joined()
        }
        return text(forComponent: base)
    }

    private static func text(forComponent name: Substring) -> String? {
        if let t = table[String(name)] { return t }
        if name.hasPrefix("uni"), name.count >= 7, (name.count - 3) % 4 == 0 {
            var out = String.UnicodeScalarView()
            var units: [UInt16] = []
            var i = name.index(name.startIndex, offsetBy: 3)
            while i < name.endIndex {
                let j = name.index(i, offsetBy: 4)
                guard let v = UInt16(name[i..<j], radix: 16) else { return nil }
                units.append(v)
                i = j
            }
            for scalar in UnicodeText.decodeUTF16(units) { out.append(scalar) }
            return String(out)
        }
        if name.hasPrefix("u"), (5...7).contains(name.count), let v = UInt32(name.dropFirst(), radix: 16), let s = Unicode.Scalar(v) {
            return String(s)
        }
        return nil
    }
}
