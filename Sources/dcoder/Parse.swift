import ArgumentParser
import Foundation
import Retrieval

struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Print the text the platform extracts from a document (PDF, Markdown, HTML or text).",
        discussion: """
        Reads FILE with the same parser as ingestion: a PDF through the built-in extractor (its \\
        text as pdftotext writes it, pages ending in form feeds), Markdown, HTML and plain text as \\
        their elements, one paragraph each. The format comes from the extension (.pdf, .md, \\
        .markdown, .html, .htm, .txt, .text), or, without a known one, from the content (%PDF-, \\
        an HTML tag). Exit status 2, with one line on stderr, for a file that cannot be read or \\
        parsed: missing, a folder, an unknown format, a damaged or encrypted PDF.
        """)

    @Argument(help: "The document to read.", completion: .file())
    var file: String

    func run() throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else { throw failure("no such file") }
        guard !isDirectory.boolValue else { throw failure("a folder, not a document") }
        guard let data = FileManager.default.contents(atPath: file) else { throw failure("cannot read the file") }
        let bytes = Array(data)
        guard let format = DocumentFormat.of(fileName: file) ?? Self.sniff(bytes) else {
            throw failure("not a supported document (PDF, Markdown, HTML or text, by its extension or content)")
        }
        do {
            let text = try DocumentParser().text(bytes, name: (file as NSString).lastPathComponent, format: format)
            FileHandle.standardOutput.write(Data(text.utf8))
        } catch let e as DocumentError {
            throw failure(e.message)
        }
    }

    /// The format a file's first bytes show, for names without a known extension.
    static func sniff(_ bytes: [UInt8]) -> DocumentFormat? {
        if bytes.starts(with: Array("%PDF-".utf8)) { return .pdf }
        let head = String(decoding: bytes.prefix(512), as: UTF8.self).lowercased()
        if head.contains("<!doctype html") || head.contains("<html") { return .html }
        return nil
    }

    /// Says why on stderr, in one line; the caller throws the exit status 2.
    private func failure(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("dcoder parse: \(file): \(message)\n".utf8))
        return ExitCode(2)
    }
}
