/// PDF to text in process, with no external program: the default ``PDFTextExtractor``.
///
/// Reads the file's structure (cross-reference tables and streams, incremental updates,
/// object streams, and a scan for the objects when the table is broken), decodes streams
/// (Flate with predictors, LZW, ASCIIHex, ASCII85, RunLength), decrypts files whose user
/// password is empty (RC4, AES-128, AES-256), walks the page tree, runs each page's content
/// for its text (fonts with their encodings, `/Differences`, `/ToUnicode` CMaps, Type 3 and
/// CID fonts) and lays the glyphs out in reading order as `pdftotext` does without
/// `-layout`. Pages end with a form feed, as pdftotext's do.
///
/// ```swift
/// let parser = DocumentParser(pdf: BuiltinPDFExtractor())
/// let elements = try parser.parse(bytes, name: "oncall.pdf", format: .pdf)   // pages from the form feeds
/// ```
///
/// Limits: 64 MiB per decoded stream, 10 MiB of text, 20,000 pages, bounded nesting and
/// operator counts. Anything it cannot read fails the document with a ``DocumentError``;
/// no input crashes it.
public struct BuiltinPDFExtractor: PDFTextExtractor {
    /// Text (UTF-8 bytes) one document may produce.
    public var textBytesMax: Int

    public init(textBytesMax: Int = 10 << 20) {
        self.textBytesMax = textBytesMax
    }

    public func text(of pdf: [UInt8], name: String) throws -> String {
        do {
            return try extract(pdf)
        } catch let e as PDFError {
            switch e.code {
            case .encrypted: throw DocumentError(name, "the PDF is \(e.message)")
            case .limit: throw DocumentError(name, "the PDF is too large to read: \(e.message)")
            case .damaged: throw DocumentError(name, "a damaged PDF: \(e.message)")
            }
        }
    }

    func extract(_ pdf: [UInt8]) throws -> String {
        let document = try PDFDocument(pdf)
        var out = ""
        var bytes = 0
        for page in document.pages() {
            var interpreter = PDFContentInterpreter(document: document, page: page)
            try interpreter.run(try document.contents(of: page), resources: page.resources)
            let text = PDFTextLayout.text(of: interpreter.glyphs) + "\u{0C}"
            bytes += text.utf8.count
            guard bytes <= textBytesMax else { throw PDFError.limit("its text is over \(textBytesMax >> 20) MiB") }
            out += text
        }
        return out
    }
}
