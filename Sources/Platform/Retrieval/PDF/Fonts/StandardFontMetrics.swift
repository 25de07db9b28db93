import Foundation

/// Advance widths of the standard 14 fonts, which PDFs may use without embedding them or
/// giving `/Widths` (ISO 32000-1, 9.6.2.2). The numbers are those of URW's metric-compatible
/// clones (generated into `StandardFontMetrics+Tables.swift`); the Courier fonts are 600
/// thousandths throughout.
enum StandardFontMetrics {
    /// The standard font a base font name stands for, or nil: subset prefixes (`ABCDEF+`) are
    /// dropped, and the common aliases (Arial, TimesNewRoman, CourierNew, `,Bold` styles) map
    /// to their standard equivalents.
    static func standardName(for baseFont: String) -> String? {
        var name = Substring(baseFont)
        if let plus = name.firstIndex(of: "+"), name.distance(from: name.startIndex, to: plus) == 6 { name = name[name.index(after: plus)...] }
        let flat = name.replacingOccurrences(of: " ", with: "").replacingOccurrences(of: ",", with: "-").lowercased()
        let bold = flat.contains("bold")
        let italic = flat.contains("italic") || flat.contains("oblique")
        let style = bold && italic ? 3 : bold ? 1 : italic ? 2 : 0
        if flat.hasPrefix("courier") { return ["Courier", "Courier-Bold", "Courier-Oblique", "Courier-BoldOblique"][style] }
        if flat.hasPrefix("helvetica") || flat.hasPrefix("arial") {
            return ["Helvetica", "Helvetica-Bold", "Helvetica-Oblique", "Helvetica-BoldOblique"][style]
        }
        if flat.hasPrefix("times") { return ["Times-Roman", "Times-Bold", "Times-Italic", "Times-BoldItalic"][style] }
        if flat.hasPrefix("symbol") { return "Symbol" }
        if flat.hasPrefix("zapfdingbats") { return "ZapfDingbats" }
        return nil
    }

    /// Widths by glyph name (thousandths of the font size) for a standard font name.
    static func widths(for standardName: String) -> [String: Double] {
        if standardName.hasPrefix("Courier") { return [:] }
        return parsed[standardName] ?? [:]
    }

    /// Widths by character code, for Symbol and ZapfDingbats (read in their own encodings).
    static func widthsByCode(for standardName: String) -> [Int: Double] {
        var out: [Int: Double] = [:]
        for (k, v) in parsed[standardName] ?? [:] { if let c = Int(k) { out[c] = v } }
        return out
    }

    private static let parsed: [String: [String: Double]] = {
        var out: [String: [String: Double]] = [:]
        for (font, pairs) in sources {
            var widths: [String: Double] = [:]
            for pair in pairs.split(separator: " ") {
                let p = pair.split(separator: ":")
                if p.count == 2, let w = Double(p[1]) { widths[String(p[0])] = w }
            }
            out[font] = widths
        }
        return out
    }()
}
