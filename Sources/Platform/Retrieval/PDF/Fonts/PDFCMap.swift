/// A CMap (ISO 32000-1, 9.7.5 and 9.10.3): how a string's bytes split into character codes
/// (`codespacerange`), codes to CIDs (`cidrange`, `cidchar`) for a composite font's encoding,
/// and codes to Unicode text (`bfchar`, `bfrange` with strings or arrays, UTF-16 with
/// surrogate pairs) for `/ToUnicode`. Ranges stay ranges, so a CMap that maps all 65,536
/// codes costs one entry.
struct PDFCMap {
    /// Entries one CMap may define (a hostile CMap cannot grow without bound).
    static let entriesMax = 200_000

    struct CodespaceRange { var low: [UInt8]; var high: [UInt8] }
    struct TextRange { var low: UInt32; var high: UInt32; var base: [UInt16]; var array: [String]? }
    struct CIDRange { var low: UInt32; var high: UInt32; var cid: UInt32 }

    var codespaces: [CodespaceRange] = []
    var texts: [UInt32: String] = [:]
    var textRanges: [TextRange] = []
    var cids: [UInt32: UInt32] = [:]
    var cidRanges: [CIDRange] = []
    /// The predefined CMap named by `usecmap`, if any.
    var usesCMap: String?

    /// Identity-H/V: two-byte codes, each its own CID.
    static var identity: PDFCMap {
        var m = PDFCMap()
        m.codespaces = [CodespaceRange(low: [0, 0], high: [0xFF, 0xFF])]
        m.cidRanges = [CIDRange(low: 0, high: 0xFFFF, cid: 0)]
        return m
    }

    init() {}

    init(parsing data: [UInt8]) {
        var lexer = PDFLexer(data)
        var entries = 0
        var operands: [PDFLexer.Token] = []
        func value(_ bytes: [UInt8]) -> UInt32 { bytes.suffix(4).reduce(0) { $0 << 8 | UInt32($1) } }
        func nextToken() -> PDFLexer.Token? {
            let t = lexer.next()
            return t == .end ? nil : t
        }
        loop: while let t = nextToken() {
            guard entries < Self.entriesMax else { break }
            guard case .keyword(let op) = t else {
                operands.append(t)
                if operands.count > 8 { operands.removeFirst() }
                continue
            }
            switch op {
            case "usecmap":
                if case .name(let n)? = operands.last { usesCMap = n }
            case "begincodespacerange":
                while let a = nextToken() {
                    guard case .string(let low) = a else { break }
                    guard case .string(let high)? = nextToken() else { break }
                    if !low.isEmpty, low.count == high.count, low.count <= 4, codespaces.count < 64 { codespaces.append(CodespaceRange(low: low, high: high)) }
                    entries += 1
                }
            case "beginbfchar":
                while let a = nextToken() {
                    guard case .string(let src) = a, let b = nextToken() else { break }
                    switch b {
                    case .string(let dst): texts[value(src)] = UnicodeText.decodeUTF16BE(dst)
                    case .name(let n): if let t = GlyphList.text(for: n) { texts[value(src)] = t }
                    default: break
                    }
                    entries += 1
                    guard entries < Self.entriesMax else { break loop }
                }
            case "beginbfrange":
                while let a = nextToken() {
                    guard case .string(let lowBytes) = a, case .string(let highBytes)? = nextToken(), let c = nextToken() else { break }
                    let low = value(lowBytes), high = value(highBytes)
                    switch c {
                    case .string(let dst) where low <= high:
                        var units: [UInt16] = []
                        if dst.count == 1 {
                            units = [UInt16(dst[0])]
                        } else {
                            var i = 0
                            while i + 1 < dst.count { units.append(UInt16(dst[i]) << 8 | UInt16(dst[i + 1])); i += 2 }
                        }
                        if !units.isEmpty { textRanges.append(TextRange(low: low, high: high, base: units, array: nil)) }
                    case .arrayOpen:
                        var items: [String] = []
                        while let e = nextToken(), e != .arrayClose {
                            if case .string(let s) = e { items.append(UnicodeText.decodeUTF16BE(s)) }
                            if case .name(let n) = e { items.append(GlyphList.text(for: n) ?? "") }
                            guard items.count < Self.entriesMax else { break }
                        }
                        if low <= high { textRanges.append(TextRange(low: low, high: high, base: [], array: items)) }
                        entries += items.count
                    default: break
                    }
                    entries += 1
                    guard entries < Self.entriesMax else { break loop }
                }
            case "begincidrange":
                while let a = nextToken() {
                    guard case .string(let low) = a, case .string(let high)? = nextToken(), case .integer(let cid)? = nextToken() else { break }
                    if value(low) <= value(high), cid >= 0 { cidRanges.append(CIDRange(low: value(low), high: value(high), cid: UInt32(truncatingIfNeeded: cid))) }
                    entries += 1
                    guard entries < Self.entriesMax else { break loop }
                }
            case "begincidchar":
                while let a = nextToken() {
                    guard case .string(let src) = a, case .integer(let cid)? = nextToken() else { break }
                    if cid >= 0 { cids[value(src)] = UInt32(truncatingIfNeeded: cid) }
                    entries += 1
                    guard entries < Self.entriesMax else { break loop }
                }
            default:
                break
            }
            operands.removeAll(keepingCapacity: true)
        }
        textRanges.sort { $0.low < $1.low }
        cidRanges.sort { $0.low < $1.low }
    }

    var isEmpty: Bool { texts.isEmpty && textRanges.isEmpty }

    /// The Unicode text for a code.
    func text(for code: UInt32) -> String? {
        if let t = texts[code] { return t }
        guard let r = Self.lastRange(in: textRanges, containing: code, low: \.low, high: \.high) else { return nil }
        let offset = Int(code - r.low)
        if let array = r.array { return offset < array.count ? array[offset] : nil }
        var units = r.base
        let last = Int(units[units.count - 1]) + offset
        units[units.count - 1] = UInt16(truncatingIfNeeded: last)
        var s = String.UnicodeScalarView()
        for scalar in UnicodeText.decodeUTF16(units) { s.append(scalar) }
        return String(s)
    }

    /// The CID for a code (composite fonts), or nil.
    func cid(for code: UInt32) -> UInt32? {
        if let c = cids[code] { return c }
        guard let r = Self.lastRange(in: cidRanges, containing: code, low: \.low, high: \.high) else { return nil }
        return r.cid &+ (code - r.low)
    }

    /// The range that contains `code` among ranges sorted by their low end; a few
    /// overlapping neighbours are looked at too.
    static func lastRange<R>(in ranges: [R], containing code: UInt32, low: KeyPath<R, UInt32>, high: KeyPath<R, UInt32>) -> R? {
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid][keyPath: low] <= code { lo = mid + 1 } else { hi = mid }
        }
        var i = lo - 1
        var looked = 0
        while i >= 0, looked < 16 {
            if ranges[i][keyPath: high] >= code { return ranges[i] }
            i -= 1
            looked += 1
        }
        return nil
    }

    /// Splits a string into codes by the codespace ranges (the shortest range whose bytes
    /// match; a byte that matches none is a one-byte code). `defaultLength` applies when the
    /// CMap declares no codespace.
    func codes(in bytes: [UInt8], defaultLength: Int) -> [(code: UInt32, length: Int)] {
        var out: [(UInt32, Int)] = []
        out.reserveCapacity(bytes.count / max(1, defaultLength))
        var i = 0
        while i < bytes.count {
            var length = 0
            if codespaces.isEmpty {
                length = min(defaultLength, bytes.count - i)
            } else {
                for n in 1...4 where i + n <= bytes.count {
                    if codespaces.contains(where: { r in
                        r.low.count == n && (0..<n).allSatisfy { k in bytes[i + k] >= r.low[k] && bytes[i + k] <= r.high[k] }
                    }) {
                        length = n
                        break
                    }
                }
                if length == 0 {
                    // No codespace matches: take the shortest declared length.
                    length = min(codespaces.map(\.low.count).min() ?? 1, bytes.count - i)
                }
            }
            let code = bytes[i..<(i + length)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            out.append((code, length))
            i += length
        }
        return out
    }
}
