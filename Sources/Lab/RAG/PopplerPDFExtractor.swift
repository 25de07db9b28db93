import Foundation
import Retrieval

/// PDF to text with poppler's `pdftotext -layout` (Debian's `poppler-utils`), as a
/// subprocess with limits: 20 s, 10 MiB of text. A missing tool or a failure is a clear
/// per-document error.
public struct PopplerPDFExtractor: PDFTextExtractor {
    public var executable: String
    public init(executable: String? = nil) {
        self.executable = executable ?? ["/usr/bin/pdftotext", "/usr/local/bin/pdftotext", "/opt/homebrew/bin/pdftotext"]
            .first { FileManager.default.isExecutableFile(atPath: $0) } ?? "pdftotext"
    }

    public func text(of pdf: [UInt8], name: String) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw DocumentError(name, "pdftotext is not installed (Debian: apt-get install poppler-utils)")
        }
        let input = FileManager.default.temporaryDirectory.appendingPathComponent("dcoder-pdf-\(UUID().uuidString).pdf")
        try Data(pdf).write(to: input)
        defer { try? FileManager.default.removeItem(at: input) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-layout", "-enc", "UTF-8", "-q", input.path, "-"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Killed after 20 s: reading then ends, and the exit says why.
        DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(20)) { if process.isRunning { process.terminate() } }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal { throw DocumentError(name, "pdftotext took longer than 20 s") }
        guard process.terminationStatus == 0 else { throw DocumentError(name, "pdftotext failed (exit \(process.terminationStatus)): a damaged or encrypted PDF?") }
        guard data.count <= 10 << 20 else { throw DocumentError(name, "the PDF's text is over 10 MiB") }
        guard let text = String(data: data, encoding: .utf8) else { throw DocumentError(name, "pdftotext produced text that is not UTF-8") }
        return text
    }
}
