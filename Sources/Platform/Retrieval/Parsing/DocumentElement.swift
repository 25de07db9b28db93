/// A typed piece of a document, in the manner of Unstructured's partitioning.
public struct DocumentElement: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case title
        case narrativeText = "narrative_text"
        case listItem = "list_item"
        case table
        case code
    }

    public var kind: Kind
    public var text: String
    /// Heading level for titles (1 is the document title); 0 otherwise.
    public var level: Int
    /// Where the element's text comes from in the source text: character offsets
    /// (Unicode scalars) `[start, end)`.
    public var start: Int
    public var end: Int
    /// The page, for PDFs (1-based); nil otherwise.
    public var page: Int?

    public init(kind: Kind, text: String, level: Int = 0, start: Int, end: Int, page: Int? = nil) {
        self.kind = kind; self.text = text; self.level = level; self.start = start; self.end = end; self.page = page
    }
}

/// The formats ``DocumentParser`` reads.
public enum DocumentFormat: String, Sendable, CaseIterable {
    case text, markdown, html, pdf

    /// The format a file name implies, or nil.
    public static func of(fileName: String) -> DocumentFormat? {
        let lower = fileName.lowercased()
        if lower.hasSuffix(".md") || lower.hasSuffix(".markdown") { return .markdown }
        if lower.hasSuffix(".html") || lower.hasSuffix(".htm") { return .html }
        if lower.hasSuffix(".pdf") { return .pdf }
        if lower.hasSuffix(".txt") || lower.hasSuffix(".text") { return .text }
        return nil
    }
}

/// Why a document could not be parsed; it fails that document only, never the job.
public struct DocumentError: Error, Sendable, Hashable, CustomStringConvertible {
    public var document: String
    public var message: String
    public init(_ document: String, _ message: String) { self.document = document; self.message = message }
    public var description: String { "\(document): \(message)" }
}

/// Turns a PDF into text with pages separated by form feeds, as `pdftotext` writes them:
/// ``BuiltinPDFExtractor`` in process (the default), or ``PopplerPDFExtractor`` (poppler's
/// program, for live use by choice). A seam, so that the parser stays free of processes and a
/// test can stand in for it.
public protocol PDFTextExtractor: Sendable {
    func text(of pdf: [UInt8], name: String) throws -> String
}
