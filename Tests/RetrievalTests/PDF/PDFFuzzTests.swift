import Base
import Foundation
@testable import Retrieval
import Testing

/// Mutated PDFs, thousands of them from a fixed seed: the extractor must return text or
/// throw a ``DocumentError`` for each — never crash, never hang. A failure names the seed and
/// the case, so it replays.
@Suite struct PDFFuzzTests {
    static let seed: UInt64 = 20_261_207
    /// Mutants per fixture (fewer of the larger real files, which take longer to read).
    static let cases = 800
    static let casesLarge = 200
    /// No mutant may take longer (a debug build on a loaded 2-core machine).
    static let secondsMax = 5.0

    static func fixtures() throws -> [(name: String, bytes: [UInt8], cases: Int)] {
        // Every kind of object the extractor reads in one small file: an object stream and a
        // cross-reference stream, Differences, a CID font with ToUnicode, and Form XObjects
        // behind ASCIIHex and RunLength filters.
        let form = { (y: Int) in Array("BT /F1 12 Tf 72 \(y) Td (form text) Tj ET".utf8) }
        let packed = PDFFixtures.packed("BT /F1 12 Tf 72 700 Td [(AB) -300 (text)] TJ /F2 10 Tf 0 -20 Td <00010002> Tj ET /X1 Do /X2 Do",
                                        fonts: "/F1 4 0 R /F2 6 0 R", xObjects: "/X1 8 0 R /X2 9 0 R",
                                        font: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Differences [65 /fi /eacute] >> >>",
                                        packed: [1, 2, 3, 4, 6]) { b in
            b.add("<< /Type /Font /Subtype /Type0 /BaseFont /X /Encoding /Identity-H /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /W [1 [500 500]] >>] /ToUnicode 7 0 R >>")
            b.addStream("", "1 begincodespacerange <0000> <FFFF> endcodespacerange 1 beginbfrange <0001> <0002> [<0048> <D835DC00>] endbfrange")
            b.addStream("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Filter /ASCIIHexDecode",
                        Array(form(600).map { String($0, radix: 16).leftPadded(to: 2) }.joined().utf8) + [UInt8(ascii: ">")])
            b.addStream("/Type /XObject /Subtype /Form /BBox [0 0 612 792] /Filter /RunLengthDecode", PDFFixtures.runLength(form(500)))
        }
        return [
            ("oncall.pdf", try PDFFixtures.corpus("Corpora/handbook/oncall.pdf"), cases),
            ("ghostscript-letter.pdf", try PDFFixtures.corpus("Corpora/pdf/ghostscript-letter.pdf"), cases),
            ("encrypted/rc4-128.pdf", try PDFFixtures.corpus("Corpora/pdf/encrypted/rc4-128.pdf"), cases),
            ("object-streams (hand-made)", packed, cases),
            ("latex-cm-default.pdf", try PDFFixtures.corpus("Corpora/pdf/latex-cm-default.pdf"), cases),
            ("office-report.pdf", try PDFFixtures.corpus("Corpora/pdf/office-report.pdf"), casesLarge),
            ("browser-article.pdf", try PDFFixtures.corpus("Corpora/pdf/browser-article.pdf"), casesLarge),
        ]
    }

    /// One mutation of `bytes`: flipped bytes, a deleted, duplicated or inserted range, a
    /// number made extreme, a truncation, or a token swapped for another.
    static func mutate(_ bytes: [UInt8], _ rng: inout SplitMix64) -> [UInt8] {
        var b = bytes
        let tokens = ["0", "-1", "99999999999999999999", "2147483648", "<<", ">>", "[", "]", "(", ")", "R", "obj", "endobj",
                      "stream", "endstream", "/Length 0", "/Filter /FlateDecode", "/Kids [3 0 R]", "0 0 R", "1 0 R", "xref", "trailer", "%"]
        for _ in 0..<Int.random(in: 1...4, using: &rng) {
            guard !b.isEmpty else { break }
            let at = Int.random(in: 0..<b.count, using: &rng)
            switch Int.random(in: 0..<7, using: &rng) {
            case 0:
                for _ in 0..<Int.random(in: 1...8, using: &rng) { b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            case 1:
                b.removeSubrange(at..<min(b.count, at + Int.random(in: 1...256, using: &rng)))
            case 2:
                let piece = b[at..<min(b.count, at + Int.random(in: 1...512, using: &rng))]
                b.insert(contentsOf: piece, at: Int.random(in: 0...b.count, using: &rng))
            case 3:
                b.insert(contentsOf: (0..<Int.random(in: 1...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, at: at)
            case 4:
                // The next digit run becomes an extreme number.
                if let d = b[at...].firstIndex(where: { $0 >= 0x30 && $0 <= 0x39 }) {
                    var e = d
                    while e < b.count, b[e] >= 0x30, b[e] <= 0x39 { e += 1 }
                    b.replaceSubrange(d..<e, with: Array(["0", "4294967295", "9223372036854775807", "65536", "1"][Int.random(in: 0..<5, using: &rng)].utf8))
                }
            case 5:
                b.removeSubrange(Int.random(in: min(b.count, 8)...b.count, using: &rng)...)
            default:
                b.replaceSubrange(at..<min(b.count, at + Int.random(in: 1...12, using: &rng)), with: Array(tokens[Int.random(in: 0..<tokens.count, using: &rng)].utf8))
            }
        }
        return b
    }

    /// The fixtures read before they are mutated (the hand-made one through every object it has).
    @Test func theFixturesReadWhole() throws {
        for (name, bytes, _) in try Self.fixtures() {
            let text = try BuiltinPDFExtractor().text(of: bytes, name: name)
            #expect(!text.isEmpty, "\(name)")
            if name.hasPrefix("object-streams") {
                #expect(text == "fié text\n\nH\u{1D400}\n\nform text\n\nform text\n\n\u{0C}", "\(text)")
            }
        }
    }

    @Test func mutatedPDFsNeverCrashAndFinishInBoundedTime() throws {
        var rng = SplitMix64(seed: Self.seed)
        var extracted = 0, refused = 0, slowest = 0.0
        var reasons: [String: Int] = [:]
        let clock = ContinuousClock()
        for (name, bytes, cases) in try Self.fixtures() {
            for i in 0..<cases {
                let mutant = Self.mutate(bytes, &rng)
                let start = clock.now
                do {
                    _ = try BuiltinPDFExtractor().text(of: mutant, name: "mutant.pdf")
                    extracted += 1
                } catch let e as DocumentError {
                    refused += 1
                    reasons[String(e.message.prefix(while: { $0 != ":" })), default: 0] += 1
                } catch {
                    Issue.record("seed \(Self.seed), \(name) case \(i): an error that is not a DocumentError: \(error)")
                }
                let elapsed = (clock.now - start).components
                let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
                slowest = max(slowest, seconds)
                #expect(seconds < Self.secondsMax, "seed \(Self.seed), \(name) case \(i) took \(seconds) s")
            }
        }
        // Most mutants still read: the recovery paths are exercised, not just the refusals.
        print("PDF fuzz: \(extracted) extracted, \(refused) refused \(reasons.sorted { $0.key < $1.key }), slowest \(slowest) s")
        #expect(extracted > refused)
    }
}
