@testable import Retrieval
import Testing

/// Fonts through whole documents: encodings, Differences, ToUnicode, Identity-H CID fonts.
@Suite struct PDFFontTests {
    let extractor = BuiltinPDFExtractor()

    func text(_ pdf: [UInt8]) throws -> String { try extractor.extract(pdf) }

    @Test func winAnsiAndMacRomanEncodingsMapTheirUpperHalf() throws {
        let content: [UInt8] = Array("BT /F1 12 Tf 72 700 Td (caf".utf8) + [0xE9] + Array(") Tj ET".utf8)
        #expect(try text(PDFFixtures.pageBytes(content)) == "café\n\n\u{0C}")
        let mac = Array("BT /F1 12 Tf 72 700 Td (caf".utf8) + [0x8E] + Array(") Tj ET".utf8)
        let macFont = "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /MacRomanEncoding >>"
        #expect(try text(PDFFixtures.pageBytes(mac, font: macFont)) == "café\n\n\u{0C}")
        let quotes: [UInt8] = Array("BT /F1 12 Tf 72 700 Td (".utf8) + [0x93] + Array("hi".utf8) + [0x94] + Array(") Tj ET".utf8)
        #expect(try text(PDFFixtures.pageBytes(quotes)) == "\u{201C}hi\u{201D}\n\n\u{0C}")
    }

    /// /Differences renames codes; ligature glyphs become their letters.
    @Test func differencesOverrideTheBaseEncoding() throws {
        let font = "<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding << /Type /Encoding /BaseEncoding /WinAnsiEncoding /Differences [1 /fi /eacute 65 /ffl] >> >>"
        let content: [UInt8] = Array("BT /F1 12 Tf 72 700 Td (".utf8) + [1] + Array("ne caf".utf8) + [2] + Array(" wa".utf8) + [65] + Array("e) Tj ET".utf8)
        #expect(try text(PDFFixtures.pageBytes(content, font: font)) == "fine café waffle\n\n\u{0C}")
    }

    @Test func toUnicodeOverridesTheEncoding() throws {
        let pdf = PDFFixtures.page("BT /F1 12 Tf 72 700 Td (AB) Tj ET",
                                   font: "<< /Type /Font /Subtype /TrueType /BaseFont /Arial /Encoding /WinAnsiEncoding /ToUnicode 6 0 R >>") { b in
            b.addStream("", "1 begincodespacerange <00> <FF> endcodespacerange 2 beginbfchar <41> <03B1> <42> <03B2> endbfchar")
        }
        #expect(try text(pdf) == "αβ\n\n\u{0C}")
    }

    /// Two-byte codes through Identity-H, text from the ToUnicode CMap, widths from /W.
    @Test func identityHCIDFontsReadTwoByteCodes() throws {
        let font = "<< /Type /Font /Subtype /Type0 /BaseFont /AAAAAA+Sans /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>"
        let pdf = PDFFixtures.page("BT /F1 12 Tf 72 700 Td <0001000200030004> Tj ET", font: font) { b in
            b.add("<< /Type /Font /Subtype /CIDFontType2 /BaseFont /AAAAAA+Sans /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 /W [1 [600 550] 3 4 300] >>")
            b.addStream("", "1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0001> <0002> <0048> endbfrange 2 beginbfchar <0003> <0020> <0004> <00E9> endbfchar")
        }
        #expect(try text(pdf) == "HI é\n\n\u{0C}")
    }

    /// A standard font without /Widths is measured with the standard metrics: two strings
    /// placed back to back read as one word.
    @Test func standardFontsWithoutWidthsUseTheirMetrics() throws {
        // "Hel" in Helvetica at 10 pt is 7.22 + 5.56 + 2.22 = 15.0 pt wide.
        let pdf = PDFFixtures.page("BT /F1 10 Tf 72 700 Td (Hel) Tj 15 0 Td (lo) Tj ET",
                                   font: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        #expect(try text(pdf) == "Hello\n\n\u{0C}")
    }
}
