/// Why the built-in extractor gave up on a PDF. ``BuiltinPDFExtractor`` turns it into a
/// ``DocumentError`` for the document.
struct PDFError: Error, Equatable, CustomStringConvertible {
    enum Code: Equatable {
        /// The file's structure could not be read, even by scanning for its objects.
        case damaged
        /// Encrypted with a password we do not have, or by a method we do not implement.
        case encrypted
        /// A limit was reached (stream size, text size, nesting).
        case limit
    }

    var code: Code
    var message: String

    static func damaged(_ message: String) -> PDFError { PDFError(code: .damaged, message: message) }
    static func encrypted(_ message: String) -> PDFError { PDFError(code: .encrypted, message: message) }
    static func limit(_ message: String) -> PDFError { PDFError(code: .limit, message: message) }

    var description: String { message }
}
