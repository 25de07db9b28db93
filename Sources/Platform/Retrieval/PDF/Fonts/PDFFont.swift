/// A font as text extraction needs it (ISO 32000-1, 9.6–9.10): how a string's bytes split
/// into codes, each code's Unicode text and its advance width.
///
/// - Simple fonts (Type 1, TrueType, Type 3, MMType1): one byte per code; text from
///   `/ToUnicode`, else from the encoding — a named base encoding or the font program's
///   built-in one, with `/Differences` — through glyph names; widths from `/Widths`, or the
///   standard 14 fonts' metrics.
/// - Composite fonts (Type 0): codes split by the encoding CMap (Identity-H/V, the `Uni…`
///   Unicode CMaps, or an embedded one), text from `/ToUnicode`, widths from the descendant's
///   `/W` and `/DW`.
final class PDFFont {
    enum Kind: Equatable { case simple, type3, composite }

    let kind: Kind
    /// Writing mode 1 (Identity-V and other vertical CMaps).
    private(set) var isVertical = false
    /// Height above and below the baseline, per unit of font size.
    private(set) var ascent = 0.95
    private(set) var descent = -0.35
    /// For Type 3 fonts, how much the glyph space stretches vertically relative to
    /// horizontally; the font size text layout works with is scaled by it.
    private(set) var sizeScale = 1.0

    private var simpleText = [String?](repeating: nil, count: 256)
    private var simpleWidths = [Double](repeating: 0, count: 256)
    private var encoding = PDFCMap.identity
    private var toUnicode: PDFCMap?
    private var codesAreUnicode = false
    private var cidWidths: [UInt32: Double] = [:]
    private var cidWidthRanges: [(low: UInt32, high: UInt32, width: Double)] = []
    private var defaultWidth = 1.0

    /// A font that shows nothing useful (a missing or broken font resource): codes are
    /// bytes, read as Latin-1, half an em wide.
    init() {
        kind = .simple
        for c in 0..<256 {
            simpleText[c] = c >= 0x20 ? String(Unicode.Scalar(UInt8(c))) : nil
            simpleWidths[c] = 0.5
        }
    }

    init(_ d: PDFDictionary, document: PDFDocument) {
        let subtype = document.resolve(d["Subtype"])?.name
        kind = subtype == "Type0" ? .composite : subtype == "Type3" ? .type3 : .simple
        if case .stream(let s)? = document.resolve(d["ToUnicode"]), let data = try? document.decodedData(s) {
            let map = PDFCMap(parsing: data)
            if !map.isEmpty { toUnicode = map }
        }
        if kind == .composite { loadComposite(d, document: document) } else { loadSimple(d, document: document) }
    }

    // MARK: Reading strings

    /// A string's codes with their byte lengths.
    func codes(_ bytes: [UInt8]) -> [(code: UInt32, length: Int)] {
        if kind != .composite { return bytes.map { (UInt32($0), 1) } }
        return encoding.codes(in: bytes, defaultLength: 2)
    }

    /// The Unicode text of a code, or nil when the font does not say. Ligature characters
    /// (U+FB00–FB06) become their letters, whatever the font maps them from.
    func text(_ code: UInt32) -> String? {
        if let t = toUnicode?.text(for: code) { return Self.unligated(t) }
        if kind != .composite { return code < 256 ? simpleText[Int(code)] : nil }
        if codesAreUnicode, let s = Unicode.Scalar(code) { return String(s) }
        return nil
    }

    /// The advance of a code in text space per unit of font size (horizontal, or vertical
    /// for vertical fonts, where it is negative: glyphs go down).
    func width(_ code: UInt32) -> Double {
        if kind != .composite { return code < 256 ? simpleWidths[Int(code)] : 0 }
        if isVertical { return -1 }
        let cid = encoding.cid(for: code) ?? code
        if let w = cidWidths[cid] { return w }
        if let r = PDFCMap.lastRange(in: cidWidthRanges, containing: cid, low: \.low, high: \.high) { return r.width }
        return defaultWidth
    }

    static let ligatures: [Unicode.Scalar: String] = ["\u{FB00}": "ff", "\u{FB01}": "fi", "\u{FB02}": "fl", "\u{FB03}": "ffi",
                                                       "\u{FB04}": "ffl", "\u{FB05}": "st", "\u{FB06}": "st"]

    static func unligated(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { ligatures[$0] != nil }) else { return text }
        return text.unicodeScalars.map { ligatures[$0] ?? String($0) }.joined()
    }

    // MARK: Loading

    private func loadComposite(_ d: PDFDictionary, document: PDFDocument) {
        switch document.resolve(d["Encoding"]) {
        case .name(let n)?:
            isVertical = n.hasSuffix("-V")
            codesAreUnicode = n.hasPrefix("Uni") && (n.contains("UCS2") || n.contains("UTF16"))
        case .stream(let s)?:
            if let data = try? document.decodedData(s) {
                var map = PDFCMap(parsing: data)
                if map.codespaces.isEmpty { map.codespaces = PDFCMap.identity.codespaces }
                if map.cidRanges.isEmpty && map.cids.isEmpty { map.cidRanges = PDFCMap.identity.cidRanges }
                encoding = map
                isVertical = document.resolve(s.dictionary["WMode"])?.integer == 1 || (map.usesCMap?.hasSuffix("-V") ?? false)
            }
        default:
            break
        }
        guard let descendant = document.resolve(d["DescendantFonts"])?.array?.first.flatMap({ document.resolve($0)?.dictionary }) else { return }
        defaultWidth = (document.resolve(descendant["DW"])?.number ?? 1000) / 1000
        if let w = document.resolve(descendant["W"])?.array {
            var i = 0
            var count = 0
            while i < w.count, count < PDFCMap.entriesMax {
                guard let first = document.resolve(w[i])?.integer, first >= 0, first <= Int(UInt32.max) else { break }
                if i + 1 < w.count, let list = document.resolve(w[i + 1])?.array {
                    for (k, item) in list.prefix(PDFCMap.entriesMax).enumerated() {
                        if let v = document.resolve(item)?.number { cidWidths[UInt32(truncatingIfNeeded: first + k)] = v / 1000 }
                    }
                    count += list.count
                    i += 2
                } else if i + 2 < w.count, let last = document.resolve(w[i + 1])?.integer, let v = document.resolve(w[i + 2])?.number {
                    if last >= first { cidWidthRanges.append((UInt32(truncatingIfNeeded: first), UInt32(truncatingIfNeeded: last), v / 1000)) }
                    count += 1
                    i += 3
                } else {
                    break
                }
            }
            cidWidthRanges.sort { $0.low < $1.low }
        }
        loadMetrics(document.resolve(descendant["FontDescriptor"])?.dictionary, document: document, scale: 0.001)
    }

    private func loadSimple(_ d: PDFDictionary, document: PDFDocument) {
        let baseFont = document.resolve(d["BaseFont"])?.name ?? ""
        let descriptor = document.resolve(d["FontDescriptor"])?.dictionary
        let standard = StandardFontMetrics.standardName(for: baseFont)
        var fontMatrix = [0.001, 0, 0, 0.001, 0, 0]
        if kind == .type3, let m = document.resolve(d["FontMatrix"])?.array?.compactMap({ document.resolve($0)?.number }), m.count == 6 {
            fontMatrix = m
        }
        if kind == .type3, fontMatrix[0] != 0 { sizeScale = abs(fontMatrix[3] / fontMatrix[0]) }

        // The encoding: a named base, else the font program's own, else the default; then /Differences.
        var names: [String?]
        var differences: [PDFObject] = []
        var baseName: String?
        switch document.resolve(d["Encoding"]) {
        case .name(let n)?: baseName = n
        case .dictionary(let e)?:
            baseName = document.resolve(e["BaseEncoding"])?.name
            differences = document.resolve(e["Differences"])?.array ?? []
        default: break
        }
        if let b = baseName, let e = SimpleEncoding(name: b) {
            names = e.glyphNames
        } else if case .stream(let s)? = document.resolve(descriptor?["FontFile"]), let program = try? document.decodedData(s),
                  let builtIn = Type1FontProgram.builtInEncoding(program) {
            names = builtIn
        } else if standard == "Symbol" {
            names = SimpleEncoding.symbol.glyphNames
        } else if subtype(d, document) == "TrueType" {
            names = SimpleEncoding.winAnsi.glyphNames
        } else {
            names = SimpleEncoding.standard.glyphNames
        }
        var code = 0
        for item in differences.prefix(4096) {
            switch document.resolve(item) {
            case .integer(let c)?: code = min(max(c, -1), 4096)
            case .name(let n)?:
                if (0..<256).contains(code) { names[code] = n }
                code = min(code + 1, 4096)
            default: break
            }
        }
        // A glyph name outside the glyph list stands for its code, as poppler reads it.
        for c in 0..<256 {
            guard let name = names[c] else { continue }
            simpleText[c] = GlyphList.text(for: name) ?? (name != ".notdef" && c >= 0x20 ? String(Unicode.Scalar(UInt8(c))) : nil)
        }

        // Widths: /Widths from /FirstChar, else the standard font's metrics, else /MissingWidth.
        let missing = (document.resolve(descriptor?["MissingWidth"])?.number ?? 0) * fontMatrix[0]
        if let widths = document.resolve(d["Widths"])?.array, !widths.isEmpty {
            let first = document.resolve(d["FirstChar"])?.integer ?? 0
            for c in 0..<256 { simpleWidths[c] = missing }
            for (i, w) in widths.prefix(256).enumerated() where (-256...256).contains(first) {
                let c = first + i
                if (0..<256).contains(c), let v = document.resolve(w)?.number { simpleWidths[c] = v * fontMatrix[0] }
            }
        } else if let standard {
            if standard.hasPrefix("Courier") {
                simpleWidths = [Double](repeating: 0.6, count: 256)
            } else if standard == "Symbol" || standard == "ZapfDingbats" {
                let byCode = StandardFontMetrics.widthsByCode(for: standard)
                for c in 0..<256 { simpleWidths[c] = (byCode[c] ?? 500) / 1000 }
            } else {
                let metrics = StandardFontMetrics.widths(for: standard)
                for c in 0..<256 { simpleWidths[c] = (names[c].flatMap { metrics[$0] } ?? 500) / 1000 }
            }
        } else {
            for c in 0..<256 { simpleWidths[c] = missing > 0 ? missing : 0.5 }
        }
        loadMetrics(descriptor, document: document, scale: kind == .type3 ? abs(fontMatrix[3]) : 0.001)
    }

    private func subtype(_ d: PDFDictionary, _ document: PDFDocument) -> String? { document.resolve(d["Subtype"])?.name }

    /// Ascent and descent from the font descriptor, when they are sensible.
    private func loadMetrics(_ descriptor: PDFDictionary?, document: PDFDocument, scale: Double) {
        if let a = document.resolve(descriptor?["Ascent"])?.number, a * scale > 0.1, a * scale < 3 { ascent = a * scale }
        if let d = document.resolve(descriptor?["Descent"])?.number, d * scale < 0, d * scale > -3 { descent = d * scale }
    }
}
