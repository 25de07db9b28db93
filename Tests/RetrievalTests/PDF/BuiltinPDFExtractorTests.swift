@testable import Retrieval
import Testing

/// The extractor as the parser uses it: the handbook's PDF, page breaks, errors.
@Suite struct BuiltinPDFExtractorTests {
    /// The handbook's two pages, separated by a form feed, headings apart from their text;
    /// the postmortem section is on page 2 (the RAG scenario cites it there).
    @Test func theHandbookPDFKeepsItsPagesAndHeadings() throws {
        let bytes = try PDFFixtures.corpus("Corpora/handbook/oncall.pdf")
        let text = try BuiltinPDFExtractor().text(of: bytes, name: "oncall.pdf")
        let pages = text.split(separator: "\u{0C}", omittingEmptySubsequences: false)
        #expect(pages.count == 3 && pages[2].isEmpty)
        #expect(pages[0].hasPrefix("On-call handbook\n\nEngineers take on-call duty in weekly rotations that start on Monday at 10:00.\n"))
        #expect(pages[0].contains("\n\nHanding over\n\n"))
        #expect(pages[1] == "Postmortems\n\nEvery incident with customer impact gets a written postmortem.\n"
            + "The postmortem is published within 5 business days of the incident.\n"
            + "Postmortems are blameless: they describe what happened, not who is at fault.\n\n")
        let elements = try DocumentParser().parse(bytes, name: "oncall.pdf", format: .pdf)
        #expect(elements.first { $0.text.contains("published within 5 business days") }?.page == 2)
        #expect(elements.filter { $0.kind == .title }.map(\.text) == ["On-call handbook", "Handing over", "Postmortems"])
    }

    @Test func documentErrorsNameTheDocument() {
        #expect { try DocumentParser().parse(Array("%PDF-1.7\n%%EOF".utf8), name: "empty.pdf", format: .pdf) } throws: {
            "\($0)".hasPrefix("empty.pdf: a damaged PDF")
        }
        // A valid file whose page shows nothing.
        let blank = PDFFixtures.page("0 0 m 10 10 l S")
        #expect { try DocumentParser().parse(blank, name: "blank.pdf", format: .pdf) } throws: { "\($0)".contains("no text in the PDF") }
    }

    @Test func textIsBoundedByTheLimit() {
        let pdf = PDFFixtures.page("BT /F1 12 Tf 14 TL 72 700 Td " + String(repeating: "(some words on a line) ' ", count: 20) + "ET")
        #expect { try BuiltinPDFExtractor(textBytesMax: 100).text(of: pdf, name: "big.pdf") } throws: { "\($0)".contains("too large") }
    }
}
