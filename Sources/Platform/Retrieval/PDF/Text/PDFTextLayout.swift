/// Turns a page's glyphs into reading-order text, in the manner of poppler's `pdftotext`
/// without `-layout`:
///
/// 1. **Words**: glyphs in content order join the current word unless a space character
///    comes, the gap exceeds 0.1 of the font size (or the glyph steps back more than 0.2),
///    the baseline moves, or the size or direction changes (poppler's thresholds). An accent
///    drawn as a glyph of its own over a letter becomes the letter's combining mark.
/// 2. **Regions**: the words are cut recursively at whitespace (XY-cut): first at vertical
///    gutters of at least 0.75 of the font size with two or more lines on each side, so
///    columns read one after the other; else at the widest horizontal band of at least half
///    the font size, so a title above the columns comes first.
/// 3. **Lines**: within a region, words whose baselines lie within half the font size are a
///    line, left to right; a space separates two words whose gap is at least 0.03 of the
///    font size (when every word is a single character, letter-spaced text, the threshold
///    follows the smallest gap instead).
/// 4. **Paragraphs**: consecutive lines more than 1.5 font sizes apart, or of different
///    sizes, start a new paragraph; paragraphs are separated by a blank line. A line ending
///    in a hyphen is joined to the next line of its paragraph without it, as pdftotext does.
enum PDFTextLayout {
    static let wordBreakSpace = 0.1
    static let duplicateBreakOverlap = 0.2
    static let baselineDeltaMax = 0.5
    static let charSpacingMax = 0.03
    static let wideCharSpacingMul = 1.3
    static let wideCharSpacingMax = 0.4
    static let intraLineDelta = 0.5
    static let lineSpacingMax = 1.5
    static let rowGapMin = 0.5
    static let columnGapMin = 0.75
    static let cutDepthMax = 48

    struct Word {
        var text: String
        var characters: Int
        var xMin: Double, xMax: Double
        var yMin: Double, yMax: Double
        var base: Double
        var fontSize: Double
        /// The last character's extent and text: to spot the same glyph drawn twice (fake
        /// bold) and accents drawn over it.
        var lastStart: Double
        var lastEnd: Double
        var lastText: String
    }

    struct Line {
        var text: String
        var base: Double
        var fontSize: Double
    }

    /// The page's text: paragraphs of lines, each line ending in a newline, a blank line
    /// between paragraphs.
    static func text(of glyphs: [PDFGlyph]) -> String {
        var out = ""
        for rotation in 0..<4 {
            let words = self.words(glyphs, rotation: rotation)
            guard !words.isEmpty else { continue }
            var regions: [[Int]] = []
            cut(Array(words.indices), words, depth: 0, into: &regions)
            for region in regions {
                for paragraph in paragraphs(lines(region.map { words[$0] })) {
                    out += join(paragraph)
                    out += "\n"
                }
            }
        }
        return out
    }

    // MARK: Words

    /// Coordinates along the text direction (`p`) and across it, downwards (`s`).
    static func frame(_ x: Double, _ y: Double, rotation: Int) -> (p: Double, s: Double) {
        switch rotation {
        case 1: return (y, -x)
        case 2: return (-x, -y)
        case 3: return (-y, x)
        default: return (x, y)
        }
    }

    static func words(_ glyphs: [PDFGlyph], rotation: Int) -> [Word] {
        var words: [Word] = []
        var current: Word?
        func end() {
            if let w = current { words.append(w) }
            current = nil
        }
        for g in glyphs where g.rotation == rotation {
            if g.text.isEmpty { continue }
            if g.text.unicodeScalars.allSatisfy({ $0.properties.isWhitespace }) {
                end()
                continue
            }
            let start = frame(g.x, g.y, rotation: rotation)
            let finish = frame(g.x + g.dx, g.y + g.dy, rotation: rotation)
            let p0 = min(start.p, finish.p), p1 = max(start.p, finish.p)
            if var w = current, combine(&w, g.text, p0: p0, p1: p1, base: start.s) {
                current = w
                continue
            }
            if var w = current {
                let gap = p0 - w.xMax
                let sameBase = abs(start.s - w.base) <= baselineDeltaMax
                if sameBase, abs(p0 - w.lastStart) < 0.1 * w.fontSize, g.text == w.lastText, g.fontSize == w.fontSize {
                    continue // the same glyph again, a little offset: fake bold or a shadow
                }
                if !sameBase || g.fontSize != w.fontSize || gap > wordBreakSpace * w.fontSize || gap < -duplicateBreakOverlap * w.fontSize {
                    end()
                } else {
                    w.text += g.text
                    w.characters += g.text.count
                    w.xMax = max(w.xMax, p1)
                    w.yMin = min(w.yMin, start.s - g.ascent)
                    w.yMax = max(w.yMax, start.s + g.descent)
                    w.lastStart = p0
                    w.lastEnd = p1
                    w.lastText = g.text
                    current = w
                    continue
                }
            }
            current = Word(text: g.text, characters: g.text.count, xMin: p0, xMax: p1, yMin: start.s - g.ascent, yMax: start.s + g.descent,
                           base: start.s, fontSize: g.fontSize, lastStart: p0, lastEnd: p1, lastText: g.text)
        }
        end()
        return words
    }

    /// Spacing accents and their combining forms, for accents drawn as glyphs of their own.
    static let combiningForms: [Unicode.Scalar: Unicode.Scalar] = [
        "\u{60}": "\u{300}", "\u{A8}": "\u{308}", "\u{AF}": "\u{304}", "\u{B4}": "\u{301}", "\u{B8}": "\u{327}",
        "\u{2C6}": "\u{302}", "\u{2C7}": "\u{30C}", "\u{2D8}": "\u{306}", "\u{2D9}": "\u{307}", "\u{2DA}": "\u{30A}",
        "\u{2DC}": "\u{303}", "\u{2DD}": "\u{30B}",
    ]

    static func combiningForm(_ text: String) -> Unicode.Scalar? {
        let scalars = text.unicodeScalars
        guard scalars.count == 1, let s = scalars.first else { return nil }
        return combiningForms[s]
    }

    static func isAlphanumeric(_ text: String) -> Bool {
        text.unicodeScalars.count == 1 && text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || $0.properties.numericType != nil }
    }

    /// An accent drawn over the word's last letter (or a letter drawn under the accent just
    /// before it) becomes that letter's combining mark, as poppler does: the accent's middle
    /// within 0.3 of the letter's width of the letter's middle, on nearly the same baseline.
    static func combine(_ w: inout Word, _ text: String, p0: Double, p1: Double, base: Double) -> Bool {
        let lastMiddle = (w.lastStart + w.lastEnd) / 2, middle = (p0 + p1) / 2
        let baseClose = abs(base - w.base) < (w.yMax - w.yMin) * 0.4
        if let mark = combiningForm(text), isAlphanumeric(w.lastText) {
            guard abs(middle - lastMiddle) < abs(w.lastEnd - w.lastStart) * 0.3, baseClose else { return false }
            w.text.unicodeScalars.append(mark)
            w.lastText += String(mark)
            return true
        }
        if let mark = combiningForm(w.lastText), isAlphanumeric(text) {
            guard abs(middle - lastMiddle) < abs(p1 - p0) * 0.3, baseClose else { return false }
            w.text.unicodeScalars.removeLast()
            w.text += text
            w.text.unicodeScalars.append(mark)
            w.characters += text.count
            w.lastText = text + String(mark)
            w.lastStart = min(w.lastStart, p0)
            w.lastEnd = max(w.lastEnd, p1)
            w.xMax = max(w.xMax, p1)
            return true
        }
        return false
    }

    // MARK: Regions

    /// Cuts `indices` at whitespace bands into regions in reading order.
    static func cut(_ indices: [Int], _ words: [Word], depth: Int, into regions: inout [[Int]]) {
        guard indices.count > 1, depth < cutDepthMax else {
            if !indices.isEmpty { regions.append(indices) }
            return
        }
        let size = medianFontSize(indices.map { words[$0] })
        let rows = bands(indices, words, minGap: rowGapMin * size, low: \.yMin, high: \.yMax)
        let count = rows.groups.count
        if count > 1 {
            // A single line above or below columns (a heading, a page number) is read
            // before or after them, not as part of the column it happens to sit in.
            let first = rows.groups[0], last = rows.groups[count - 1]
            if lineCount(first, words, size: size) < 2, columns(Array(rows.groups[1...].joined()), words, size: size).count > 1 {
                cut(first, words, depth: depth + 1, into: &regions)
                cut(Array(rows.groups[1...].joined()), words, depth: depth + 1, into: &regions)
                return
            }
            if lineCount(last, words, size: size) < 2, columns(Array(rows.groups[..<(count - 1)].joined()), words, size: size).count > 1 {
                cut(Array(rows.groups[..<(count - 1)].joined()), words, depth: depth + 1, into: &regions)
                cut(last, words, depth: depth + 1, into: &regions)
                return
            }
        }
        // Columns, each read whole.
        let parts = columns(indices, words, size: size)
        if parts.count > 1 {
            for g in parts { cut(g, words, depth: depth + 1, into: &regions) }
            return
        }
        guard count > 1, let widest = rows.widestAfter else {
            regions.append(indices)
            return
        }
        // Then a strip across the top (a title, an abstract) above columns, or columns above
        // what follows them (a table, a footnote): cut there, so that the columns read whole
        // and before what is below them. Else the widest gap.
        // (Up to a dozen strips each way: the search stays linear in the page's words.)
        var split = widest
        let candidates = 1..<min(count, 13)
        if let top = candidates.first(where: { columns(Array(rows.groups[$0...].joined()), words, size: size).count > 1 }) {
            split = top
        } else if let bottom = candidates.first(where: { columns(Array(rows.groups[..<$0].joined()), words, size: size).count > 1 }) {
            split = bottom
        }
        cut(Array(rows.groups[..<split].joined()), words, depth: depth + 1, into: &regions)
        cut(Array(rows.groups[split...].joined()), words, depth: depth + 1, into: &regions)
    }

    /// The region's columns, left to right: split at vertical gutters of at least 0.75 of the
    /// font size that have two lines or more on each side (a gap in a single line, a
    /// justified line's wide spaces, is no gutter).
    static func columns(_ indices: [Int], _ words: [Word], size: Double) -> [[Int]] {
        var merged: [[Int]] = []
        for g in bands(indices, words, minGap: columnGapMin * size, low: \.xMin, high: \.xMax).groups {
            if let last = merged.last, lineCount(g, words, size: size) < 2 || lineCount(last, words, size: size) < 2 {
                merged[merged.count - 1] = last + g
            } else {
                merged.append(g)
            }
        }
        return merged
    }

    /// How many baselines (half a font size apart) the words have, up to 2.
    static func lineCount(_ group: [Int], _ words: [Word], size: Double) -> Int {
        guard let first = group.first else { return 0 }
        let base = words[first].base
        return group.contains { abs(words[$0].base - base) > intraLineDelta * size } ? 2 : 1
    }

    /// Groups separated by gaps of at least `minGap` along one axis, in order, and the index
    /// of the group after the widest gap.
    static func bands(_ indices: [Int], _ words: [Word], minGap: Double, low: KeyPath<Word, Double>, high: KeyPath<Word, Double>) -> (groups: [[Int]], widestAfter: Int?) {
        let sorted = indices.sorted { words[$0][keyPath: low] < words[$1][keyPath: low] || (words[$0][keyPath: low] == words[$1][keyPath: low] && $0 < $1) }
        var groups: [[Int]] = [[]]
        var reach = -Double.infinity
        var widest = 0.0
        var widestAfter: Int?
        for i in sorted {
            let w = words[i]
            if !groups[groups.count - 1].isEmpty, w[keyPath: low] - reach >= minGap {
                if w[keyPath: low] - reach > widest {
                    widest = w[keyPath: low] - reach
                    widestAfter = groups.count
                }
                groups.append([])
            }
            groups[groups.count - 1].append(i)
            reach = max(reach, w[keyPath: high])
        }
        return (groups, widestAfter)
    }

    static func medianFontSize(_ words: [Word]) -> Double {
        let sizes = words.map(\.fontSize).sorted()
        return sizes.isEmpty ? 10 : max(1, sizes[sizes.count / 2])
    }

    // MARK: Lines and paragraphs

    /// Words on one baseline (within half the font size) left to right, lines top to bottom.
    static func lines(_ region: [Word]) -> [Line] {
        let sorted = region.sorted { $0.base < $1.base || ($0.base == $1.base && $0.xMin < $1.xMin) }
        var groups: [[Word]] = []
        var anchor = 0.0, anchorSize = 0.0
        for w in sorted {
            if let last = groups.last, !last.isEmpty, w.base - anchor <= intraLineDelta * max(anchorSize, w.fontSize) {
                groups[groups.count - 1].append(w)
                anchorSize = max(anchorSize, w.fontSize)
            } else {
                groups.append([w])
                anchor = w.base
                anchorSize = w.fontSize
            }
        }
        return groups.map { line($0) }
    }

    /// One line's text: words left to right, a space where the gap is wide enough.
    static func line(_ words: [Word]) -> Line {
        let sorted = words.sorted { $0.xMin < $1.xMin }
        // The main size and baseline are those of the most characters.
        var weight: [Double: Int] = [:]
        for w in sorted { weight[w.fontSize, default: 0] += w.characters }
        let size = weight.max { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }?.key ?? sorted[0].fontSize
        let base = sorted.first { $0.fontSize == size }?.base ?? sorted[0].base
        var threshold = charSpacingMax * size
        if sorted.count > 1, sorted.allSatisfy({ $0.characters == 1 }) {
            var minSpace = Double.infinity
            for i in 1..<sorted.count { minSpace = min(minSpace, sorted[i].xMin - sorted[i - 1].xMax) }
            if minSpace > 0 { threshold = min(wideCharSpacingMul * minSpace, wideCharSpacingMax * size) }
        }
        var text = sorted[0].text
        for i in 1..<sorted.count {
            if sorted[i].xMin - sorted[i - 1].xMax >= threshold { text += " " }
            text += sorted[i].text
        }
        return Line(text: text, base: base, fontSize: size)
    }

    /// Lines split into paragraphs where the spacing opens up or the size changes.
    static func paragraphs(_ lines: [Line]) -> [[Line]] {
        var out: [[Line]] = []
        for l in lines {
            if let previous = out.last?.last,
               l.base - previous.base <= lineSpacingMax * max(l.fontSize, previous.fontSize),
               abs(l.fontSize - previous.fontSize) <= 0.1 * max(l.fontSize, previous.fontSize) {
                out[out.count - 1].append(l)
            } else {
                out.append([l])
            }
        }
        return out
    }

    /// A paragraph's lines, one per line of text; a line that ends in a hyphen runs on into
    /// the next without it.
    static func join(_ paragraph: [Line]) -> String {
        var out = ""
        for (i, l) in paragraph.enumerated() {
            if i + 1 < paragraph.count, l.text.hasSuffix("-"), l.text.count > 1 {
                out += l.text.dropLast()
            } else {
                out += l.text
                out += "\n"
            }
        }
        return out
    }
}
