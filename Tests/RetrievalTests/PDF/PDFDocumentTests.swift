@testable import Retrieval
import Testing

/// The file structure: cross-reference tables and streams, object streams, updates,
/// recovery from a broken table, encryption.
@Suite struct PDFDocumentTests {
    static func helloBuilder(_ text: String = "Hello") -> PDFBuilder {
        var b = PDFBuilder()
        b.add("<< /Type /Catalog /Pages 2 0 R >>")
        b.add("<< /Type /Pages /Kids [3 0 R] /Count 1 /Resources << /Font << /F1 4 0 R >> >> /MediaBox [0 0 612 792] >>")
        b.add("<< /Type /Page /Parent 2 0 R /Contents 5 0 R >>")
        b.add("<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>")
        b.addStream("", "BT /F1 12 Tf 72 700 Td (\(text)) Tj ET")
        return b
    }

    /// A classic table, with the page's resources and media box inherited from the page tree.
    @Test func classicTableAndInheritedResources() throws {
        #expect(try BuiltinPDFExtractor().extract(Self.helloBuilder().classic(root: 1)) == "Hello\n\n\u{0C}")
    }

    /// A cross-reference stream (with a PNG predictor) and the page tree, page and font in an
    /// object stream; the content stream is Flate-compressed.
    @Test func crossReferenceStreamAndObjectStream() throws {
        let pdf = PDFFixtures.packed("BT /F1 12 Tf 72 700 Td (Packed away) Tj ET")
        let document = try PDFDocument(pdf)
        #expect(!document.recovered)
        #expect(try BuiltinPDFExtractor().extract(pdf) == "Packed away\n\n\u{0C}")
    }

    /// An incremental update appends a new version of the content; the newest wins.
    @Test func incrementalUpdatesReplaceObjects() throws {
        var pdf = Self.helloBuilder("Old text").classic(root: 1)
        let previous = PDFCrossReference.startxref(pdf)!
        let body = "BT /F1 12 Tf 72 700 Td (New text) Tj ET"
        let offset = pdf.count
        pdf += Array("5 0 obj\n<< /Length \(body.utf8.count) >>\nstream\n\(body)\nendstream\nendobj\n".utf8)
        let xref = pdf.count
        pdf += Array("xref\n5 1\n\(String(format: "%010d", offset)) 00000 n \ntrailer\n<< /Size 6 /Root 1 0 R /Prev \(previous) >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        #expect(try BuiltinPDFExtractor().extract(pdf) == "New text\n\n\u{0C}")
    }

    /// Wrong offsets, a missing table, a garbled startxref: the objects are found by scanning.
    @Test func aBrokenCrossReferenceTableIsRebuiltByScanning() throws {
        let good = Self.helloBuilder().classic(root: 1)
        // Every offset shifted by 7 bytes.
        let shifted = Array("%junk!\n".utf8) + good
        #expect(try BuiltinPDFExtractor().extract(shifted) == "Hello\n\n\u{0C}")
        // No table and no trailer at all, only the objects.
        let xref = PDFParser.find(Array("xref".utf8), in: good, from: 0, end: good.count)!
        let bare = Array(good[..<xref])
        let document = try PDFDocument(bare)
        #expect(document.recovered)
        #expect(try BuiltinPDFExtractor().extract(bare) == "Hello\n\n\u{0C}")
        // startxref pointing into the middle of nowhere.
        let garbled = Array(good[..<PDFParser.find(Array("startxref".utf8), in: good, from: 0, end: good.count)!]) + Array("startxref\n99999\n%%EOF".utf8)
        #expect(try BuiltinPDFExtractor().extract(garbled) == "Hello\n\n\u{0C}")
    }

    @Test func aFileWithoutObjectsIsDamaged() {
        #expect { try BuiltinPDFExtractor().text(of: Array("%PDF-1.4\nnothing here\n".utf8), name: "x.pdf") } throws: {
            "\($0)".contains("x.pdf: a damaged PDF")
        }
    }

    /// qpdf's encryptions with an empty user password read like the original.
    @Test(arguments: ["rc4-40", "rc4-128", "aes-128", "aes-256"])
    func encryptedWithAnEmptyUserPasswordIsDecrypted(name: String) throws {
        let plain = try BuiltinPDFExtractor().extract(try PDFFixtures.corpus("Corpora/pdf/ghostscript-letter.pdf"))
        let decrypted = try BuiltinPDFExtractor().extract(try PDFFixtures.corpus("Corpora/pdf/encrypted/\(name).pdf"))
        #expect(plain.contains("village hall") && decrypted == plain)
    }

    @Test(arguments: ["user-password", "user-password-rc4"])
    func encryptedWithAUserPasswordIsRefused(name: String) throws {
        let bytes = try PDFFixtures.corpus("Corpora/pdf/encrypted/\(name).pdf")
        #expect { try BuiltinPDFExtractor().text(of: bytes, name: "\(name).pdf") } throws: { error in
            let e = error as? DocumentError
            return e?.message == "the PDF is protected by a password (the file is encrypted and cannot be opened without it)"
        }
    }
}
