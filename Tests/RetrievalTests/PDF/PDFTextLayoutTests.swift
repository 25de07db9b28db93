@testable import Retrieval
import Testing

/// Word gaps, lines, paragraphs and reading order, through small content streams.
@Suite struct PDFTextLayoutTests {
    func text(_ content: String, font: String = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>") throws -> String {
        try BuiltinPDFExtractor().extract(PDFFixtures.page(content, font: font))
    }

    /// TJ kerning: a small adjustment keeps a word together, a large one makes a space.
    @Test func tjKerningMakesWordGapsOnlyWhenWide() throws {
        #expect(try text("BT /F1 12 Tf 72 700 Td [(Hel) -20 (lo) -300 (world) 40 (!)] TJ ET") == "Hello world!\n\n\u{0C}")
        // Character and word spacing move glyphs apart too.
        #expect(try text("BT /F1 12 Tf 3 Tw 72 700 Td (two words) Tj ET") == "two words\n\n\u{0C}")
        #expect(try text("BT /F1 12 Tf 6 Tc 72 700 Td (spaced) Tj ET") == "s p a c e d\n\n\u{0C}")
    }

    /// Text drawn out of order is read by position: lines top to bottom, words left to right,
    /// and a superscript stays on its line.
    @Test func glyphRunsGroupIntoLinesByBaseline() throws {
        let content = """
        BT /F1 12 Tf 72 686 Td (second line) Tj ET
        BT /F1 12 Tf 120 700 Td (line) Tj ET
        BT /F1 12 Tf 72 700 Td (first) Tj ET
        BT /F1 7 Tf 91.4 705 Td (2) Tj ET
        """
        #expect(try text(content) == "first2 line\nsecond line\n\n\u{0C}")
    }

    @Test func wideVerticalGapsAndSizeChangesStartParagraphs() throws {
        let content = """
        BT /F1 18 Tf 72 720 Td (Title) Tj ET
        BT /F1 12 Tf 14 TL 72 696 Td (One line) Tj T* (two line) Tj T* T* T* (far away) Tj ET
        """
        #expect(try text(content) == "Title\n\nOne line\ntwo line\n\nfar away\n\n\u{0C}")
    }

    /// Two columns drawn line by line across the page read column by column.
    @Test func columnsReadOneAfterTheOther() throws {
        var content = "BT /F1 10 Tf 12 TL\n"
        for i in 0..<4 {
            content += "1 0 0 1 72 \(700 - 12 * i) Tm (left \(i)) Tj 1 0 0 1 320 \(700 - 12 * i) Tm (right \(i)) Tj\n"
        }
        content += "ET"
        #expect(try text(content) == "left 0\nleft 1\nleft 2\nleft 3\n\nright 0\nright 1\nright 2\nright 3\n\n\u{0C}")
    }

    @Test func aHyphenAtALineEndJoinsTheWord() throws {
        #expect(try text("BT /F1 12 Tf 14 TL 72 700 Td (infor-) Tj T* (mation here) Tj ET") == "information here\n\n\u{0C}")
    }

    /// Rotated pages and rotated text still read upright; text off the page is dropped.
    @Test func rotationAndPageBounds() throws {
        #expect(try text("BT /F1 12 Tf 0 1 -1 0 300 200 Tm (up the side) Tj ET") == "up the side\n\n\u{0C}")
        #expect(try text("BT /F1 12 Tf 72 900 Td (gone) Tj ET 72 700 m BT /F1 12 Tf 72 700 Td (kept) Tj ET") == "kept\n\n\u{0C}")
    }

    /// Form XObjects are drawn with their matrix and resources; q/Q and cm scope the CTM.
    @Test func formXObjectsAndTheGraphicsStateStack() throws {
        let pdf = PDFFixtures.page("q 1 0 0 1 0 -100 cm /X1 Do Q BT /F1 12 Tf 72 700 Td (top) Tj ET", xObjects: "/X1 6 0 R") { b in
            b.addStream("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Matrix [1 0 0 1 0 -10] /Resources << /Font << /F9 4 0 R >> >>",
                        "BT /F9 12 Tf 72 700 Td (inside the form) Tj ET")
        }
        #expect(try BuiltinPDFExtractor().extract(pdf) == "top\n\ninside the form\n\n\u{0C}")
    }
}
