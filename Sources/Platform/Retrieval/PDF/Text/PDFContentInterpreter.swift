/// Runs a page's content stream for its text (ISO 32000-1, 8–9): the graphics state stack
/// (`q`, `Q`, `cm`), text objects and state (`BT`, `ET`, `Tf`, `Tc`, `Tw`, `Tz`, `TL`, `Ts`,
/// `Tr`), positioning (`Td`, `TD`, `Tm`, `T*`), showing (`Tj`, `TJ` with its kerning, `'`,
/// `"`), Form XObjects through `Do` (nested, with their own resources and matrix), and
/// `gs` fonts. Every shown code becomes a ``PDFGlyph`` in device space; images (inline or
/// not) and paths are skipped.
///
/// Bounded: operators per page, glyphs per page, Form XObject nesting.
struct PDFContentInterpreter {
    static let operatorsMax = 5_000_000
    static let glyphsMax = 2_000_000
    static let formDepthMax = 12

    struct GraphicsState {
        var ctm: PDFMatrix
        var font: PDFFont?
        var fontID = 0
        var fontSize = 0.0
        var charSpacing = 0.0
        var wordSpacing = 0.0
        var horizontalScaling = 1.0
        var leading = 0.0
        var rise = 0.0
    }

    let document: PDFDocument
    let pageWidth: Double
    let pageHeight: Double
    private(set) var glyphs: [PDFGlyph] = []
    private var state: GraphicsState
    private var stack: [GraphicsState] = []
    private var textMatrix = PDFMatrix.identity
    private var lineMatrix = PDFMatrix.identity
    private var operators = 0
    private var fonts: [Int: PDFFont] = [:]
    private var directFonts: [String: (Int, PDFFont)] = [:]
    private var formsOpen = Set<Int>()
    private var nextFontID = 1 << 40

    init(document: PDFDocument, page: PDFDocument.Page) {
        self.document = document
        let box = page.mediaBox
        let w = abs(box[2] - box[0]), h = abs(box[3] - box[1])
        (pageWidth, pageHeight) = page.rotate == 90 || page.rotate == 270 ? (h, w) : (w, h)
        state = GraphicsState(ctm: .page(box: box, rotate: page.rotate))
    }

    /// Runs the page's content and collects its glyphs.
    /// - Throws: ``PDFError`` (limit) when the page has too many operators or glyphs.
    mutating func run(_ content: [UInt8], resources: PDFDictionary?) throws {
        try execute(content, resources: resources, depth: 0)
    }

    private mutating func execute(_ content: [UInt8], resources: PDFDictionary?, depth: Int) throws {
        var parser = PDFParser(content)
        var operands: [PDFObject] = []
        while true {
            let token = parser.lexer.next()
            if token == .end { break }
            if case .keyword(let op) = token {
                operators += 1
                guard operators <= Self.operatorsMax else { throw PDFError.limit("a page has more than \(Self.operatorsMax) operators") }
                if op == "BI" {
                    skipInlineImage(&parser)
                } else {
                    try perform(op, operands, resources: resources, depth: depth)
                }
                operands.removeAll(keepingCapacity: true)
                continue
            }
            if let o = parser.object(startingWith: token, depth: 0) {
                if operands.count < 64 { operands.append(o) }
            }
        }
    }

    // MARK: Operators

    private mutating func perform(_ op: String, _ operands: [PDFObject], resources: PDFDictionary?, depth: Int) throws {
        func number(_ i: Int) -> Double? {
            guard i < operands.count, let v = operands[i].number, v.isFinite else { return nil }
            return v
        }
        func numbers(_ n: Int) -> [Double]? {
            guard operands.count >= n else { return nil }
            let values = operands.suffix(n).compactMap(\.number)
            return values.count == n && values.allSatisfy(\.isFinite) ? values : nil
        }
        switch op {
        case "q":
            if stack.count < 256 { stack.append(state) }
        case "Q":
            if let s = stack.popLast() { state = s }
        case "cm":
            if let v = numbers(6), let m = PDFMatrix(v) { state.ctm = m.concatenating(state.ctm) }
        case "BT":
            textMatrix = .identity
            lineMatrix = .identity
        case "ET":
            break
        case "Tf":
            if operands.count >= 2, let name = operands[operands.count - 2].name, let size = operands.last?.number, size.isFinite {
                state.fontSize = size
                (state.fontID, state.font) = font(named: name, resources: resources)
            }
        case "Tc": if let v = numbers(1) { state.charSpacing = v[0] }
        case "Tw": if let v = numbers(1) { state.wordSpacing = v[0] }
        case "Tz": if let v = numbers(1) { state.horizontalScaling = v[0] / 100 }
        case "TL": if let v = numbers(1) { state.leading = v[0] }
        case "Ts": if let v = numbers(1) { state.rise = v[0] }
        case "Td":
            if let v = numbers(2) { moveLine(v[0], v[1]) }
        case "TD":
            if let v = numbers(2) {
                state.leading = -v[1]
                moveLine(v[0], v[1])
            }
        case "Tm":
            if let v = numbers(6), let m = PDFMatrix(v) {
                textMatrix = m
                lineMatrix = m
            }
        case "T*":
            moveLine(0, -state.leading)
        case "Tj":
            if let s = operands.last?.string { try show(s) }
        case "'":
            moveLine(0, -state.leading)
            if let s = operands.last?.string { try show(s) }
        case "\"":
            if operands.count >= 3, let aw = number(operands.count - 3), let ac = number(operands.count - 2) {
                state.wordSpacing = aw
                state.charSpacing = ac
            }
            moveLine(0, -state.leading)
            if let s = operands.last?.string { try show(s) }
        case "TJ":
            guard let items = operands.last?.array else { break }
            for item in items {
                if case .string(let s) = item {
                    try show(s)
                } else if let n = item.number, n.isFinite {
                    // Kerning: thousandths of the font size, against the writing direction.
                    let shift = -n / 1000 * state.fontSize
                    if state.font?.isVertical == true {
                        textMatrix = PDFMatrix.translation(0, shift).concatenating(textMatrix)
                    } else {
                        textMatrix = PDFMatrix.translation(shift * state.horizontalScaling, 0).concatenating(textMatrix)
                    }
                }
            }
        case "Do":
            if let name = operands.last?.name { try drawXObject(name, resources: resources, depth: depth) }
        case "gs":
            if let name = operands.last?.name,
               let gs = document.resolve(document.resolve(resources?["ExtGState"])?.dictionary?[name])?.dictionary,
               let f = document.resolve(gs["Font"])?.array, f.count == 2, let size = document.resolve(f[1])?.number {
                state.fontSize = size
                if case .reference(let r) = f[0], let d = document.resolve(f[0])?.dictionary {
                    (state.fontID, state.font) = font(reference: r.number, dictionary: d)
                }
            }
        default:
            break // paths, colours, images, marked content: no text
        }
    }

    private mutating func moveLine(_ tx: Double, _ ty: Double) {
        lineMatrix = PDFMatrix.translation(tx, ty).concatenating(lineMatrix)
        textMatrix = lineMatrix
    }

    // MARK: Fonts

    private mutating func font(named name: String, resources: PDFDictionary?) -> (Int, PDFFont) {
        let entry = document.resolve(resources?["Font"])?.dictionary?[name]
        if case .reference(let r)? = entry, let d = document.resolve(entry)?.dictionary {
            return font(reference: r.number, dictionary: d)
        }
        if let d = document.resolve(entry)?.dictionary {
            if let cached = directFonts[name] { return cached }
            let f = (nextFontID, PDFFont(d, document: document))
            nextFontID += 1
            directFonts[name] = f
            return f
        }
        // A missing font: text is still shown, read as Latin-1.
        if let cached = directFonts["\u{0}missing"] { return cached }
        let f = (nextFontID, PDFFont())
        nextFontID += 1
        directFonts["\u{0}missing"] = f
        return f
    }

    private mutating func font(reference: Int, dictionary: PDFDictionary) -> (Int, PDFFont) {
        if let f = fonts[reference] { return (reference, f) }
        let f = PDFFont(dictionary, document: document)
        fonts[reference] = f
        return (reference, f)
    }

    // MARK: Showing text

    private mutating func show(_ string: [UInt8]) throws {
        let font = state.font ?? PDFFont()
        let fs = state.fontSize
        let th = state.horizontalScaling
        for (code, length) in font.codes(string) {
            let w0 = font.width(code)
            let spacing = state.charSpacing + (length == 1 && code == 32 ? state.wordSpacing : 0)
            let m = textMatrix.concatenating(state.ctm)
            let rendering = PDFMatrix(a: fs * th, b: 0, c: 0, d: fs, e: 0, f: state.rise).concatenating(m)
            let origin = (x: rendering.e, y: rendering.f)
            // The transformed font size: the text space's vertical unit at this size.
            let up = m.applyToVector(0, fs)
            let size = (up.x * up.x + up.y * up.y).squareRoot() * font.sizeScale
            let advance: (x: Double, y: Double)
            let own: (x: Double, y: Double)
            if font.isVertical {
                own = m.applyToVector(0, w0 * fs)
                advance = (0, w0 * fs + spacing)
            } else {
                own = m.applyToVector(w0 * fs * th, 0)
                advance = ((w0 * fs + spacing) * th, 0)
            }
            if origin.x.isFinite, origin.y.isFinite, size.isFinite, own.x.isFinite, own.y.isFinite,
               // Off the page is dropped, as poppler does.
               origin.x + own.x >= 0, origin.x <= pageWidth, origin.y + own.y >= 0, origin.y <= pageHeight {
                glyphs.append(PDFGlyph(text: font.text(code) ?? "", x: origin.x, y: origin.y, dx: own.x, dy: own.y,
                                       fontSize: size, ascent: font.ascent * size, descent: -font.descent * size,
                                       font: state.fontID, rotation: Self.rotation(of: rendering)))
                guard glyphs.count <= Self.glyphsMax else { throw PDFError.limit("a page shows more than \(Self.glyphsMax) glyphs") }
            }
            textMatrix = PDFMatrix.translation(advance.x, advance.y).concatenating(textMatrix)
        }
    }

    /// The direction of text from its rendering matrix, in device space (y down), as poppler
    /// decides it: mostly horizontal is 0 (upright) or 2 (upside down), else 1 or 3.
    static func rotation(of m: PDFMatrix) -> Int {
        if abs(m.a * m.d) > abs(m.b * m.c) { return m.a > 0 || m.d < 0 ? 0 : 2 }
        return m.c > 0 ? 1 : 3
    }

    // MARK: XObjects

    private mutating func drawXObject(_ name: String, resources: PDFDictionary?, depth: Int) throws {
        let entry = document.resolve(resources?["XObject"])?.dictionary?[name]
        guard case .stream(let form)? = document.resolve(entry), document.resolve(form.dictionary["Subtype"])?.name == "Form" else { return }
        guard depth < Self.formDepthMax else { return }
        let key = entry?.reference?.number ?? -1
        if key >= 0 { guard formsOpen.insert(key).inserted else { return } }
        defer { if key >= 0 { formsOpen.remove(key) } }
        guard let content = try document.decodedData(form) else { return }
        let saved = (state, stack.count, textMatrix, lineMatrix)
        if let values = document.resolve(form.dictionary["Matrix"])?.array?.compactMap({ document.resolve($0)?.number }), let m = PDFMatrix(values) {
            state.ctm = m.concatenating(state.ctm)
        }
        let formResources = document.resolve(form.dictionary["Resources"])?.dictionary ?? resources
        try execute(content, resources: formResources, depth: depth + 1)
        state = saved.0
        if stack.count > saved.1 { stack.removeLast(stack.count - saved.1) }
        textMatrix = saved.2
        lineMatrix = saved.3
    }

    /// Skips an inline image: its dictionary up to `ID`, then the data up to an `EI` that
    /// stands alone (or `/L` bytes when the dictionary gives them).
    private func skipInlineImage(_ parser: inout PDFParser) {
        var length: Int?
        while true {
            let t = parser.lexer.next()
            if t == .end { return }
            if case .keyword("ID") = t { break }
            if case .name(let key) = t, key == "L" || key == "Length", case .integer(let n) = parser.lexer.peek() { length = n }
        }
        let bytes = parser.lexer.bytes
        var i = parser.lexer.position + 1 // one whitespace byte after ID
        if let length, length >= 0, i + length <= parser.lexer.end {
            i += length
        }
        while i + 1 < parser.lexer.end {
            if bytes[i] == UInt8(ascii: "E"), bytes[i + 1] == UInt8(ascii: "I"), i > 0, PDFLexer.isWhitespace(bytes[i - 1]),
               i + 2 >= parser.lexer.end || !PDFLexer.isRegular(bytes[i + 2]) {
                parser.lexer.position = i + 2
                return
            }
            i += 1
        }
        parser.lexer.position = parser.lexer.end
    }
}
