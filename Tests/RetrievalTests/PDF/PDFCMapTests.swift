@testable import Retrieval
import Testing

/// ToUnicode and encoding CMaps.
@Suite struct PDFCMapTests {
    static let toUnicode = """
    /CIDInit /ProcSet findresource begin 12 dict begin begincmap
    1 begincodespacerange <0000> <FFFF> endcodespacerange
    3 beginbfchar
    <0003> <0020>
    <0010> <00660069>
    <0011> <D835DC00>
    endbfchar
    2 beginbfrange
    <0024> <0026> <0041>
    <0030> <0032> [<0078> <0079> <007A>]
    endbfrange
    endcmap CMapName currentdict /CMap defineresource pop end end
    """

    /// bfchar maps single codes (a ligature to two letters, a surrogate pair to one character);
    /// bfrange counts up from its destination or takes its array.
    @Test func bfcharAndBfrangeMapCodesToText() {
        let map = PDFCMap(parsing: Array(Self.toUnicode.utf8))
        #expect(map.text(for: 0x03) == " ")
        #expect(map.text(for: 0x10) == "fi")
        #expect(map.text(for: 0x11) == "\u{1D400}")
        #expect(map.text(for: 0x24) == "A" && map.text(for: 0x26) == "C" && map.text(for: 0x27) == nil)
        #expect(map.text(for: 0x31) == "y" && map.text(for: 0x32) == "z")
    }

    @Test func codespaceRangesSplitMixedLengthCodes() {
        let cmap = """
        2 begincodespacerange <00> <80> <8140> <9FFC> endcodespacerange
        1 begincidrange <8140> <8142> 633 endcidrange
        1 begincidchar <41> 34 endcidchar
        """
        let map = PDFCMap(parsing: Array(cmap.utf8))
        let codes = map.codes(in: [0x41, 0x81, 0x41, 0x81, 0x42], defaultLength: 2)
        #expect(codes.map(\.code) == [0x41, 0x8141, 0x8142] && codes.map(\.length) == [1, 2, 2])
        #expect(map.cid(for: 0x8142) == 635 && map.cid(for: 0x41) == 34)
        #expect(PDFCMap.identity.codes(in: [0, 1, 0, 2, 7], defaultLength: 2).map(\.code) == [1, 2, 7])
    }

    @Test func glyphNamesFollowTheAdobeGlyphListConventions() {
        #expect(GlyphList.text(for: "eacute") == "é")
        #expect(GlyphList.text(for: "fi") == "fi" && GlyphList.text(for: "ffl") == "ffl")
        #expect(GlyphList.text(for: "f_f_i") == "ffi")
        #expect(GlyphList.text(for: "uni00E900E8") == "éè")
        #expect(GlyphList.text(for: "u1F600") == "\u{1F600}")
        #expect(GlyphList.text(for: "a.sc") == "a")
        #expect(GlyphList.text(for: "quotedblleft") == "\u{201C}")
        #expect(GlyphList.text(for: "g123") == nil)
    }
}
