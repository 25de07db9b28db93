@testable import Retrieval
import Testing

/// Each stream filter on hand-made input.
@Suite struct PDFFilterTests {
    @Test func asciiHexSkipsWhitespaceAndPadsAnOddDigit() {
        #expect(ASCIIHexDecoder.decode(Array("48 65 6c\n6C 6F>ignored".utf8)[...]) == Array("Hello".utf8))
        #expect(ASCIIHexDecoder.decode(Array("4 8 6>".utf8)[...]) == [0x48, 0x60])
    }

    @Test func ascii85DecodesGroupsZerosAndAPartialLastGroup() {
        #expect(ASCII85Decoder.decode(Array("87cURD]j7BEbo7~>".utf8)[...]) == Array("Hello world".utf8))
        #expect(ASCII85Decoder.decode(Array("<~z@:B~>".utf8)[...]) == [0, 0, 0, 0] + Array("ab".utf8))
        // An overflowing group ends the data instead of wrapping around.
        #expect(ASCII85Decoder.decode(Array("uuuuu".utf8)[...]).isEmpty)
    }

    @Test func runLengthCopiesRepeatsAndStopsAtTheEndCode() throws {
        let input: [UInt8] = [2, 0x61, 0x62, 0x63, 254, 0x78, 128, 0x7A]
        #expect(try RunLengthDecoder.decode(input[...], limit: 100) == Array("abcxxx".utf8))
    }

    /// The example of ISO 32000-1, 7.4.4.2.
    @Test func lzwDecodesTheSpecificationsExample() throws {
        let input: [UInt8] = [0x80, 0x0B, 0x60, 0x50, 0x22, 0x0C, 0x0C, 0x85, 0x01]
        #expect(try LZWDecoder.decode(input[...], limit: 100) == Array("-----A---B".utf8))
    }

    @Test func flateInflatesAndKeepsWhatPrecedesDamage() throws {
        let text = Array(String(repeating: "BT (Hello) Tj ET\n", count: 200).utf8)
        let compressed = PDFFixtures.deflate(text)
        #expect(try FlateDecoder.decode(compressed[...], limit: 1 << 20) == text)
        // Trailing garbage after the stream's end is ignored; a truncated stream gives its prefix.
        #expect(try FlateDecoder.decode((compressed + [1, 2, 3])[...], limit: 1 << 20) == text)
        let truncated = try FlateDecoder.decode(compressed.prefix(compressed.count / 2), limit: 1 << 20)
        #expect(!truncated.isEmpty && text.starts(with: truncated))
        // Raw deflate without the zlib header.
        #expect(try FlateDecoder.decode(compressed.dropFirst(2).dropLast(4), limit: 1 << 20) == text)
        #expect(try FlateDecoder.decode([][...], limit: 10).isEmpty)
    }

    @Test func flateRefusesToInflatePastTheLimit() {
        let bomb = PDFFixtures.deflate([UInt8](repeating: 0, count: 1 << 20))
        #expect(throws: PDFError.self) { try FlateDecoder.decode(bomb[...], limit: 1 << 16) }
    }

    @Test func pngPredictorsUndoEachRowsFilter() {
        // Three columns, one byte per pixel: rows filtered None, Sub, Up, Average, Paeth.
        let rows: [UInt8] = [0, 1, 2, 3,
                             1, 4, 1, 1,
                             2, 1, 1, 1,
                             3, 3, 1, 1,
                             4, 0, 0, 0]
        let out = PredictorDecoder.decode(rows, .init(predictor: 12, colors: 1, bitsPerComponent: 8, columns: 3))
        #expect(out == [1, 2, 3, 4, 5, 6, 5, 6, 7, 5, 6, 7, 5, 6, 7])
        let tiff = PredictorDecoder.decode([1, 1, 1, 2, 2, 2], .init(predictor: 2, colors: 1, bitsPerComponent: 8, columns: 3))
        #expect(tiff == [1, 2, 3, 2, 4, 6])
    }

    @Test func filtersRunInOrderAndImagesAreSkipped() throws {
        let compressed = PDFFixtures.deflate(Array("text".utf8))
        let hex = Array(compressed.map { String($0, radix: 16).leftPadded(to: 2) }.joined().utf8) + [UInt8(ascii: ">")]
        let chain = [PDFFilters.Filter(name: "AHx", parameters: nil), PDFFilters.Filter(name: "FlateDecode", parameters: nil)]
        #expect(try PDFFilters.decode(hex[...], filters: chain) == Array("text".utf8))
        #expect(try PDFFilters.decode([1, 2][...], filters: [.init(name: "DCTDecode", parameters: nil)]) == nil)
    }
}
