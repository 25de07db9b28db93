import CompressNIO
import Foundation
import NIOCore

/// Small PDFs written by hand for the extractor's tests: numbered objects, then a classic
/// cross-reference table, or a cross-reference stream with the objects packed into an
/// object stream.
struct PDFBuilder {
    var objects: [(number: Int, body: [UInt8])] = []

    /// Adds an object (its text between `n 0 obj` and `endobj`) and returns its number.
    @discardableResult
    mutating func add(_ body: String) -> Int { add(Array(body.utf8)) }

    @discardableResult
    mutating func add(_ body: [UInt8]) -> Int {
        let n = objects.count + 1
        objects.append((n, body))
        return n
    }

    /// Adds a stream with its `/Length` filled in.
    @discardableResult
    mutating func addStream(_ dictionary: String = "", _ data: [UInt8]) -> Int {
        add(Array("<< \(dictionary) /Length \(data.count) >>\nstream\n".utf8) + data + Array("\nendstream".utf8))
    }

    @discardableResult
    mutating func addStream(_ dictionary: String = "", _ text: String) -> Int { addStream(dictionary, Array(text.utf8)) }

    /// The file with a classic `xref` table; `trailer` adds trailer entries.
    func classic(root: Int, trailer: String = "") -> [UInt8] {
        var out = Array("%PDF-1.4\n%\u{e2}\u{e3}\n".utf8)
        var offsets: [Int] = []
        for o in objects {
            offsets.append(out.count)
            out += Array("\(o.number) 0 obj\n".utf8) + o.body + Array("\nendobj\n".utf8)
        }
        let xref = out.count
        out += Array("xref\n0 \(objects.count + 1)\n0000000000 65535 f \n".utf8)
        for off in offsets { out += Array(String(format: "%010d 00000 n \n", off).utf8) }
        out += Array("trailer\n<< /Size \(objects.count + 1) /Root \(root) 0 R \(trailer) >>\nstartxref\n\(xref)\n%%EOF\n".utf8)
        return out
    }

    /// The file with the objects in `packed` moved into an object stream (Flate-compressed)
    /// and a cross-reference stream (`/W [1 2 2]`, with a PNG Up predictor) instead of a table.
    func withObjectStreams(root: Int, packed: Set<Int>) -> [UInt8] {
        var out = Array("%PDF-1.5\n".utf8)
        var entries: [Int: (type: Int, a: Int, b: Int)] = [:]
        let streamNumber = objects.count + 1, xrefNumber = objects.count + 2
        for o in objects where !packed.contains(o.number) {
            entries[o.number] = (1, out.count, 0)
            out += Array("\(o.number) 0 obj\n".utf8) + o.body + Array("\nendobj\n".utf8)
        }
        var header = "", body: [UInt8] = []
        for (i, o) in objects.filter({ packed.contains($0.number) }).enumerated() {
            header += "\(o.number) \(body.count) "
            body += o.body + [0x0A]
            entries[o.number] = (2, streamNumber, i)
        }
        let packedData = Array(header.utf8) + body
        let compressed = PDFFixtures.deflate(packedData)
        entries[streamNumber] = (1, out.count, 0)
        out += Array("\(streamNumber) 0 obj\n<< /Type /ObjStm /N \(packed.count) /First \(header.utf8.count) /Filter /FlateDecode /Length \(compressed.count) >>\nstream\n".utf8)
        out += compressed + Array("\nendstream\nendobj\n".utf8)
        entries[xrefNumber] = (1, out.count, 0)
        // Rows of five bytes, each preceded by the PNG filter type 2 (Up) of the predictor.
        var rows: [UInt8] = []
        var previous = [UInt8](repeating: 0, count: 5)
        for n in 0...xrefNumber {
            let e = entries[n] ?? (0, 0, 0)
            let row: [UInt8] = [UInt8(e.type), UInt8(e.a >> 8), UInt8(e.a & 0xFF), UInt8(e.b >> 8), UInt8(e.b & 0xFF)]
            rows.append(2)
            rows += zip(row, previous).map { $0 &- $1 }
            previous = row
        }
        let xrefData = PDFFixtures.deflate(rows)
        out += Array("\(xrefNumber) 0 obj\n<< /Type /XRef /Size \(xrefNumber + 1) /W [1 2 2] /Root \(root) 0 R /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 5 >> /Length \(xrefData.count) >>\nstream\n".utf8)
        out += xrefData + Array("\nendstream\nendobj\n".utf8)
        let start = entries[xrefNumber]!.a
        out += Array("startxref\n\(start)\n%%EOF\n".utf8)
        return out
    }
}

enum PDFFixtures {
    /// The repository's root (Tests/RetrievalTests/Support/ is three levels down).
    static let root: URL = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func corpus(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: root.appending(path: path)))
    }

    /// RunLengthDecode's encoding, in literal runs only.
    static func runLength(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let n = min(128, bytes.count - i)
            out.append(UInt8(n - 1))
            out += bytes[i..<(i + n)]
            i += n
        }
        return out + [128]
    }

    /// zlib-compressed bytes (through compress-nio, as the extractor inflates them).
    static func deflate(_ bytes: [UInt8]) -> [UInt8] {
        var buffer = ByteBuffer(bytes: bytes)
        let compressed = try! buffer.compress(with: .zlib)
        return Array(compressed.readableBytesView)
    }

    /// A one-page PDF 1.5 file: the catalog, page tree, page and font (objects 1–4, and any of
    /// `extra`'s listed in `packed`) in an object stream, a cross-reference stream, and the
    /// content (object 5) Flate-compressed.
    static func packed(_ content: String, fonts: String = "/F1 4 0 R", xObjects: String = "",
                       font: String = "<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>",
                       packed: Set<Int> = [1, 2, 3, 4], extra: (inout PDFBuilder) -> Void = { _ in }) -> [UInt8] {
        var b = PDFBuilder()
        b.add("<< /Type /Catalog /Pages 2 0 R >>")
        b.add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        b.add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << \(fonts) >> /XObject << \(xObjects) >> >> /Contents 5 0 R >>")
        b.add(font)
        b.addStream("/Filter /FlateDecode", deflate(Array(content.utf8)))
        extra(&b)
        return b.withObjectStreams(root: 1, packed: packed)
    }

    /// A one-page PDF whose page shows `content` with font resources `fonts` (a dictionary's
    /// inside, e.g. `/F1 4 0 R`) and any further objects added by `extra`.
    static func page(_ content: String, fonts: String = "/F1 4 0 R", xObjects: String = "",
                     font: String = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
                     extra: (inout PDFBuilder) -> Void = { _ in }) -> [UInt8] {
        pageBytes(Array(content.utf8), fonts: fonts, xObjects: xObjects, font: font, extra: extra)
    }

    static func pageBytes(_ content: [UInt8], fonts: String = "/F1 4 0 R", xObjects: String = "",
                          font: String = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
                          extra: (inout PDFBuilder) -> Void = { _ in }) -> [UInt8] {
        var b = PDFBuilder()
        b.add("<< /Type /Catalog /Pages 2 0 R >>")
        b.add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
        b.add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << \(fonts) >> /XObject << \(xObjects) >> >> /Contents 5 0 R >>")
        b.add(font)
        b.addStream("", content)
        extra(&b)
        return b.classic(root: 1)
    }
}
