import Foundation

/// Partitions documents into typed elements (title, narrative text, list item, table,
/// code) with source positions: plain text, Markdown, HTML, and PDF (through a
/// ``PDFTextExtractor``, by default the in-process ``BuiltinPDFExtractor``, then as text,
/// with page numbers from the form feeds between pages).
///
/// Bad input fails the document with a clear error: empty, too large, binary (NUL bytes),
/// not UTF-8, or (PDF) the extractor's failure.
public struct DocumentParser: Sendable {
    /// Documents larger than this are refused.
    public var maximumBytes: Int
    public var pdf: (any PDFTextExtractor)?

    public init(maximumBytes: Int = 20 << 20, pdf: (any PDFTextExtractor)? = BuiltinPDFExtractor()) {
        self.maximumBytes = maximumBytes
        self.pdf = pdf
    }

    public func parse(_ bytes: [UInt8], name: String, format: DocumentFormat) throws -> [DocumentElement] {
        if format == .pdf { return try elements(ofPDFText: try pdfText(bytes, name: name), name: name) }
        try checkSize(bytes, name: name)
        guard !bytes.contains(0) else { throw DocumentError(name, "binary content (NUL bytes) in a \(format.rawValue) document") }
        guard let decoded = String(validating: bytes, as: UTF8.self) else { throw DocumentError(name, "not valid UTF-8") }
        // "\r\n" is one Character in Swift and would never split as a line: parse LF text
        // (offsets then count the normalised text).
        let text = decoded.contains("\r") ? decoded.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") : decoded
        let out: [DocumentElement]
        switch format {
        case .text: out = Self.plain(text)
        case .markdown: out = Self.markdown(text)
        case .html: out = HTMLPartitioner.partition(text)
        case .pdf: out = []
        }
        guard !out.isEmpty else { throw DocumentError(name, "no text in the document") }
        return out
    }

    /// The text the parser reads in a document: a PDF's extracted text (pages ending in form
    /// feeds), or the other formats' elements, one paragraph each. The same checks as
    /// ``parse(_:name:format:)``, the same errors.
    public func text(_ bytes: [UInt8], name: String, format: DocumentFormat) throws -> String {
        guard format == .pdf else {
            return try parse(bytes, name: name, format: format).map(\.text).joined(separator: "\n\n") + "\n"
        }
        let text = try pdfText(bytes, name: name)
        _ = try elements(ofPDFText: text, name: name)
        return text
    }

    private func checkSize(_ bytes: [UInt8], name: String) throws {
        guard !bytes.isEmpty else { throw DocumentError(name, "the document is empty") }
        guard bytes.count <= maximumBytes else { throw DocumentError(name, "the document is \(bytes.count) bytes; the limit is \(maximumBytes)") }
    }

    /// A PDF's text from the extractor, pages ending in form feeds.
    private func pdfText(_ bytes: [UInt8], name: String) throws -> String {
        try checkSize(bytes, name: name)
        guard bytes.starts(with: Array("%PDF-".utf8)) else { throw DocumentError(name, "not a PDF (no %PDF- header)") }
        guard let pdf else { throw DocumentError(name, "PDF parsing is not available here") }
        return try pdf.text(of: bytes, name: name)
    }

    func elements(ofPDFText text: String, name: String) throws -> [DocumentElement] {
        var out: [DocumentElement] = []
        var offset = 0
        for (i, page) in text.split(separator: "\u{0C}", omittingEmptySubsequences: false).enumerated() {
            for var e in Self.plain(String(page)) {
                e.start += offset; e.end += offset; e.page = i + 1
                out.append(e)
            }
            offset += page.unicodeScalars.count + 1
        }
        guard !out.isEmpty else { throw DocumentError(name, "no text in the PDF (a scanned image?)") }
        return out
    }

    // MARK: Plain text

    /// Blocks separated by blank lines: a short line without a final stop is a title,
    /// lines starting with a bullet or a number are list items, indented blocks are code.
    static func plain(_ text: String) -> [DocumentElement] {
        var out: [DocumentElement] = []
        for block in blocks(text) {
            let lines = block.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.allSatisfy({ $0.hasPrefix("    ") || $0.hasPrefix("\t") }) {
                out.append(DocumentElement(kind: .code, text: block.text, start: block.start, end: block.end))
            } else if lines.allSatisfy({ isListLine($0) }) {
                var at = block.start
                for line in lines {
                    let n = line.unicodeScalars.count
                    out.append(DocumentElement(kind: .listItem, text: listText(line), start: at, end: at + n))
                    at += n + 1
                }
            } else if lines.count > 1, isTitleLike(lines[0]), lines[1].unicodeScalars.count > lines[0].unicodeScalars.count
                        || lines[1].hasSuffix(".") {
                // A heading directly above its text (as pdftotext writes them).
                let titleEnd = block.start + lines[0].unicodeScalars.count
                out.append(DocumentElement(kind: .title, text: lines[0].trimmingCharacters(in: .whitespaces), level: out.isEmpty ? 1 : 2,
                                           start: block.start, end: titleEnd))
                let rest = Array(lines.dropFirst())
                if rest.allSatisfy({ isListLine($0) }) {
                    var at = titleEnd + 1
                    for line in rest {
                        let n = line.unicodeScalars.count
                        out.append(DocumentElement(kind: .listItem, text: listText(line), start: at, end: at + n))
                        at += n + 1
                    }
                } else {
                    out.append(DocumentElement(kind: .narrativeText, text: joinLines(rest), start: titleEnd + 1, end: block.end))
                }
            } else if lines.count == 1, isTitleLike(block.text) {
                out.append(DocumentElement(kind: .title, text: block.text.trimmingCharacters(in: .whitespaces), level: out.isEmpty ? 1 : 2,
                                           start: block.start, end: block.end))
            } else if lines.count > 1, lines.allSatisfy({ $0.contains("  ") && !$0.hasPrefix(" ") }) && lines.count >= 2 && isTableLike(lines) {
                out.append(DocumentElement(kind: .table, text: block.text, start: block.start, end: block.end))
            } else {
                out.append(DocumentElement(kind: .narrativeText, text: joinLines(lines), start: block.start, end: block.end))
            }
        }
        return out
    }

    struct Block { var text: String; var start: Int; var end: Int }

    /// Runs of non-blank lines with their character offsets.
    static func blocks(_ text: String) -> [Block] {
        var out: [Block] = []
        var current: [String] = []
        var start = 0, offset = 0, blockStart = 0
        func flush() {
            let body = current.joined(separator: "\n")
            let trimmed = body.trimmingCharacters(in: .newlines)
            if !trimmed.trimmingCharacters(in: .whitespaces).isEmpty {
                out.append(Block(text: trimmed, start: blockStart, end: blockStart + body.unicodeScalars.count))
            }
            current = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let l = String(line).replacingOccurrences(of: "\r", with: "")
            if l.trimmingCharacters(in: .whitespaces).isEmpty {
                flush()
            } else {
                if current.isEmpty { blockStart = offset }
                current.append(l)
            }
            offset += line.unicodeScalars.count + 1
            start = offset
        }
        _ = start
        flush()
        return out
    }

    static func isListLine(_ line: String) -> Bool {
        let t = line.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("- ") || t.hasPrefix("* ") || t.hasPrefix("• ") || t.hasPrefix("+ ") { return true }
        let digits = t.prefix { $0.isNumber }
        return !digits.isEmpty && digits.count <= 3 && (t.dropFirst(digits.count).hasPrefix(". ") || t.dropFirst(digits.count).hasPrefix(") "))
    }

    static func listText(_ line: String) -> String {
        var t = Substring(line.trimmingCharacters(in: .whitespaces))
        if let first = t.first, "-*•+".contains(first) { t = t.dropFirst() } else { t = t.drop { $0.isNumber }.dropFirst() }
        return t.trimmingCharacters(in: .whitespaces)
    }

    static func isTitleLike(_ s: String) -> Bool {
        let t = s.trimmingCharacters(in: .whitespaces)
        guard let last = t.last, t.unicodeScalars.count <= 80, !".!?,;:".contains(last) else { return false }
        return t.split(separator: " ").count <= 12 && (t.first?.isUppercase ?? false || t.first?.isNumber ?? false)
    }

    static func isTableLike(_ lines: [String]) -> Bool {
        let columns = lines.map { $0.split(separator: "  ", omittingEmptySubsequences: true).count }
        return columns.allSatisfy { $0 >= 2 } && Set(columns).count == 1
    }

    static func joinLines(_ lines: [String]) -> String {
        lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    // MARK: Markdown

    /// ATX headings, fenced code, bullet and numbered lists, pipe tables, paragraphs.
    static func markdown(_ text: String) -> [DocumentElement] {
        var out: [DocumentElement] = []
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0).replacingOccurrences(of: "\r", with: "") }
        var offsets: [Int] = []
        var o = 0
        for l in text.split(separator: "\n", omittingEmptySubsequences: false) { offsets.append(o); o += l.unicodeScalars.count + 1 }
        var i = 0
        var paragraph: [String] = [], paragraphStart = 0
        func flushParagraph(end: Int) {
            if !paragraph.isEmpty {
                out.append(DocumentElement(kind: .narrativeText, text: stripInline(joinLines(paragraph)), start: paragraphStart, end: end))
                paragraph = []
            }
        }
        while i < lines.count {
            let line = lines[i]
            let t = line.trimmingCharacters(in: .whitespaces)
            let lineEnd = offsets[i] + line.unicodeScalars.count
            if t.hasPrefix("```") || t.hasPrefix("~~~") {
                flushParagraph(end: offsets[i])
                let fence = String(t.prefix(3))
                var body: [String] = []
                let start = offsets[i]
                i += 1
                while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).hasPrefix(fence) { body.append(lines[i]); i += 1 }
                let end = i < lines.count ? offsets[i] + lines[i].unicodeScalars.count : o
                out.append(DocumentElement(kind: .code, text: body.joined(separator: "\n"), start: start, end: end))
                i += 1
                continue
            }
            if t.hasPrefix("#") {
                let level = t.prefix { $0 == "#" }.count
                if level <= 6, t.dropFirst(level).hasPrefix(" ") {
                    flushParagraph(end: offsets[i])
                    let title = t.dropFirst(level).trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "#")).trimmingCharacters(in: .whitespaces)
                    out.append(DocumentElement(kind: .title, text: stripInline(title), level: level, start: offsets[i], end: lineEnd))
                    i += 1
                    continue
                }
            }
            if t.hasPrefix("|") {
                flushParagraph(end: offsets[i])
                let start = offsets[i]
                var rows: [String] = []
                while i < lines.count, lines[i].trimmingCharacters(in: .whitespaces).hasPrefix("|") {
                    let row = lines[i].trimmingCharacters(in: .whitespaces)
                    if !row.replacingOccurrences(of: "|", with: "").allSatisfy({ "-: ".contains($0) }) {
                        rows.append(row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " | "))
                    }
                    i += 1
                }
                out.append(DocumentElement(kind: .table, text: rows.joined(separator: "\n"), start: start, end: offsets[i - 1] + lines[i - 1].unicodeScalars.count))
                continue
            }
            if isListLine(line) {
                flushParagraph(end: offsets[i])
                out.append(DocumentElement(kind: .listItem, text: stripInline(listText(line)), start: offsets[i], end: lineEnd))
                i += 1
                continue
            }
            if t.isEmpty {
                flushParagraph(end: offsets[i])
            } else {
                if paragraph.isEmpty { paragraphStart = offsets[i] }
                paragraph.append(line)
            }
            i += 1
        }
        flushParagraph(end: o)
        return out
    }

    /// Markdown emphasis, code spans and links reduced to their text, in one pass:
    /// `[text](url)` becomes `text`; `**`, `__` and backticks are dropped.
    static func stripInline(_ s: String) -> String {
        let c = Array(s)
        var out = ""
        out.reserveCapacity(c.count)
        var i = 0
        while i < c.count {
            // Links are looked for within a bounded window, so pathological text stays linear.
            if c[i] == "[", let close = c[(i + 1)..<min(c.count, i + 1 + 500)].firstIndex(of: "]"), close + 1 < c.count, c[close + 1] == "(",
               let end = c[(close + 2)..<min(c.count, close + 2 + 2000)].firstIndex(of: ")"), !c[(i + 1)..<close].contains("[") {
                out += String(c[(i + 1)..<close])
                i = end + 1
                continue
            }
            if c[i] == "`" { i += 1; continue }
            if i + 1 < c.count, (c[i] == "*" && c[i + 1] == "*") || (c[i] == "_" && c[i + 1] == "_") { i += 2; continue }
            out.append(c[i])
            i += 1
        }
        return out
    }
}
