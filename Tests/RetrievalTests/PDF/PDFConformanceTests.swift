import Foundation
@testable import Retrieval
import Testing

/// The built-in extractor against poppler's `pdftotext` (default mode) on real PDFs from
/// other producers (`Corpora/pdf`, see its SOURCE.md): token F1 per file and the mean, which
/// must be at least 0.95. pdftotext's text is computed here, never stored.
///
/// Without pdftotext on PATH the test is skipped, unless `PDF_CONFORMANCE_REQUIRED=1`
/// (`Scripts/test` sets it), when it fails.
@Suite struct PDFConformanceTests {
    static let meanF1Min = 0.95

    static var pdftotext: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map { "\($0)/pdftotext" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static var required: Bool { ProcessInfo.processInfo.environment["PDF_CONFORMANCE_REQUIRED"] == "1" }

    static func corpus() throws -> [URL] {
        let folder = PDFFixtures.root.appending(path: "Corpora/pdf")
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "pdf" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    /// Words: runs of letters, digits, underscores and combining marks, lower-cased, after
    /// compatibility normalisation (NFKC: a ligature glyph's ﬁ reads fi, as it does to a search).
    static func tokens(_ text: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        var word = String.UnicodeScalarView()
        func flush() {
            if !word.isEmpty { counts[String(word), default: 0] += 1 }
            word = String.UnicodeScalarView()
        }
        for scalar in text.precomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            let p = scalar.properties
            if p.isAlphabetic || p.numericType != nil || scalar == "_" || p.generalCategory == .nonspacingMark || p.generalCategory == .spacingMark {
                word.append(scalar)
            } else {
                flush()
            }
        }
        flush()
        return counts
    }

    /// F1 of two multisets of words.
    static func f1(_ a: [String: Int], _ b: [String: Int]) -> Double {
        let overlap = a.reduce(0) { $0 + min($1.value, b[$1.key] ?? 0) }
        let na = a.values.reduce(0, +), nb = b.values.reduce(0, +)
        guard na > 0, nb > 0, overlap > 0 else { return na == 0 && nb == 0 ? 1 : 0 }
        let precision = Double(overlap) / Double(na), recall = Double(overlap) / Double(nb)
        return 2 * precision * recall / (precision + recall)
    }

    static func poppler(_ tool: String, _ file: URL) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: tool)
        p.arguments = ["-enc", "UTF-8", "-q", file.path, "-"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func tokenF1AgreesWithThePapers() {
        #expect(Self.tokens("Hello, ﬁne WORLD! hello_2 café") == ["hello": 1, "fine": 1, "world": 1, "hello_2": 1, "café": 1])
        #expect(Self.f1(["a": 2, "b": 1], ["a": 1, "b": 1, "c": 2]) == 2 * (2.0 / 3) * 0.5 / (2.0 / 3 + 0.5))
    }

    @Test(.enabled(if: pdftotext != nil || required, "pdftotext is not on PATH (set PDF_CONFORMANCE_REQUIRED=1 to fail instead)"))
    func builtinTextMatchesPdftotextOnRealPDFs() throws {
        guard let tool = Self.pdftotext else {
            Issue.record("pdftotext is not on PATH, and PDF_CONFORMANCE_REQUIRED=1 requires this comparison (apt-get install poppler-utils)")
            return
        }
        var scores: [(String, Double)] = []
        for file in try Self.corpus() {
            let bytes = Array(try Data(contentsOf: file))
            let ours = try BuiltinPDFExtractor().text(of: bytes, name: file.lastPathComponent)
            let theirs = try Self.poppler(tool, file)
            scores.append((file.lastPathComponent, Self.f1(Self.tokens(ours), Self.tokens(theirs))))
        }
        let mean = scores.map(\.1).reduce(0, +) / Double(max(1, scores.count))
        let report = scores.map { "\($0.0) \(String(format: "%.4f", $0.1))" }.joined(separator: ", ") + "; mean \(String(format: "%.4f", mean))"
        print("PDF conformance vs pdftotext: \(report)")
        #expect(scores.count >= 10, "only \(scores.count) PDFs in Corpora/pdf")
        #expect(mean >= Self.meanF1Min, "mean token F1 against pdftotext is below \(Self.meanF1Min): \(report)")
    }
}
