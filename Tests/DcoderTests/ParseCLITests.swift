import Foundation
import Testing

/// `dcoder parse FILE`, through the real binary.
@Suite struct ParseCLITests {
    /// A PDF prints its text as pdftotext would, pages ending in form feeds.
    @Test func printsAPDFsTextWithItsPageBreaks() throws {
        let r = try CLI.run(["parse", "Corpora/handbook/oncall.pdf"])
        #expect(r.status == 0 && r.err.isEmpty, "\(r.err)")
        let pages = r.out.split(separator: "\u{0C}", omittingEmptySubsequences: false)
        #expect(pages.count == 3 && pages[0].hasPrefix("On-call handbook\n") && pages[1].hasPrefix("Postmortems\n"), "\(r.out)")
    }

    @Test func printsAMarkdownDocumentsElements() throws {
        let r = try CLI.run(["parse", "Corpora/handbook/expenses.md"])
        #expect(r.status == 0, "\(r.err)")
        #expect(r.out.hasPrefix("Expenses at Acme Robotics\n\n") && !r.out.contains("# "), "\(r.out)")
    }

    /// Unreadable or unsupported files exit 2 with one line on stderr and nothing on stdout.
    @Test func unreadableFilesExitTwoWithOneLine() throws {
        let dir = CLI.tempDir()
        let garbage = (0..<4096).map { i in UInt8(truncatingIfNeeded: i &* 2_654_435_761 >> 7) }
        try Data(garbage).write(to: URL(fileURLWithPath: dir + "/garbage.pdf"))
        try Data(Array("%PDF-1.7\n".utf8) + garbage).write(to: URL(fileURLWithPath: dir + "/damaged.pdf"))
        try Data(garbage).write(to: URL(fileURLWithPath: dir + "/garbage.bin"))
        for (file, message) in [(dir + "/missing.pdf", "no such file"), (dir, "a folder"), (dir + "/garbage.pdf", "not a PDF"),
                                (dir + "/damaged.pdf", "a damaged PDF"), (dir + "/garbage.bin", "not a supported document")] {
            let r = try CLI.run(["parse", file])
            #expect(r.status == 2 && r.out.isEmpty, "\(file): \(r.status) \(r.out)")
            #expect(r.err.hasPrefix("dcoder parse: \(file): ") && r.err.contains(message) && r.err.filter { $0 == "\n" }.count == 1, "\(r.err)")
        }
    }
}
