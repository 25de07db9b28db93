import Foundation

/// PDF to text with poppler's `pdftotext -layout` (Debian's `poppler-utils`), as a
/// subprocess with limits: 20 s, 10 MiB of text. A missing tool or a failure is a clear
/// per-document error. The live server's alternative to ``BuiltinPDFExtractor``
/// (`platform_api.pdf_extractor: pdftotext`).
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
        guard FileManager.default.createFile(atPath: input.path, contents: Data(pdf), attributes: [.posixPermissions: 0o600]) else {
            throw DocumentError(name, "cannot write a temporary file for pdftotext")
        }
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
        // Read in pieces and stop at 10 MiB, however much text the PDF expands to.
        var data = Data()
        let limit = 10 << 20
        while let piece = try? out.fileHandleForReading.read(upToCount: 1 << 16), !piece.isEmpty {
            data.append(piece)
            if data.count > limit {
                process.terminate()
                process.waitUntilExit()
                throw DocumentError(name, "the PDF's text is over 10 MiB")
            }
        }
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal { throw DocumentError(name, "pdftotext took longer than 20 s") }
        guard process.terminationStatus == 0 else { throw DocumentError(name, "pdftotext failed (exit \(process.terminationStatus)): a damaged or encrypted PDF?") }
        guard let text = String(data: data, encoding: .utf8) else { throw DocumentError(name, "pdftotext produced text that is not UTF-8") }
        return text
    }
}
