/// The named encodings of simple fonts (ISO 32000-1, Annex D) as 256 glyph names each:
/// StandardEncoding, WinAnsiEncoding, MacRomanEncoding, PDFDocEncoding, and the Symbol
/// font's own encoding (its printable ASCII half). The tables are generated
/// (`SimpleEncoding+Tables.swift`).
enum SimpleEncoding: Equatable {
    case standard, winAnsi, macRoman, pdfDoc, symbol

    init?(name: String) {
        switch name {
        case "StandardEncoding": self = .standard
        case "WinAnsiEncoding": self = .winAnsi
        case "MacRomanEncoding", "MacExpertEncoding": self = .macRoman
        case "PDFDocEncoding": self = .pdfDoc
        default: return nil
        }
    }

    /// 256 glyph names (nil where the encoding has none).
    var glyphNames: [String?] {
        switch self {
        case .standard: return Self.standardTable
        case .winAnsi: return Self.winAnsiTable
        case .macRoman: return Self.macRomanTable
        case .pdfDoc: return Self.pdfDocTable
        case .symbol: return Self.symbolTable
        }
    }

    private static func parse(_ names: String) -> [String?] {
        let list = names.split(separator: " ").map { $0 == "." ? nil : String($0) }
        return list.count == 256 ? list : [String?](repeating: nil, count: 256)
    }

    private static let standardTable = parse(standardNames)
    private static let winAnsiTable = parse(winAnsiNames)
    private static let macRomanTable = parse(macRomanNames)
    /// PDFDocEncoding's characters as `uniXXXX` names, so that every encoding is read alike.
    private static let pdfDocTable: [String?] = pdfDocUnicode.map { $0 == 0 ? nil : "uni" + String($0, radix: 16, uppercase: true).leftPadded(to: 4) }

    /// The Symbol font's codes 0x20–0x7E (the Greek alphabet and punctuation).
    private static let symbolTable: [String?] = {
        var names = [String?](repeating: nil, count: 256)
        let ascii = """
        space exclam universal numbersign existential percent ampersand suchthat parenleft parenright asteriskmath plus comma minus \
        period slash zero one two three four five six seven eight nine colon semicolon less equal greater question congruent Alpha \
        Beta Chi Delta Epsilon Phi Gamma Eta Iota theta1 Kappa Lambda Mu Nu Omicron Pi Theta Rho Sigma Tau Upsilon sigma1 Omega \
        Xi Psi Zeta bracketleft therefore bracketright perpendicular underscore radicalex alpha beta chi delta epsilon phi gamma \
        eta iota phi1 kappa lambda mu nu omicron pi theta rho sigma tau upsilon omega1 omega xi psi zeta braceleft bar braceright similar
        """
        for (i, n) in ascii.split(separator: " ").enumerated() where 0x20 + i < 0x7F { names[0x20 + i] = String(n) }
        return names
    }()
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
