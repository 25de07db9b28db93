import Foundation
import Testing
@testable import Retrieval

@Suite struct EmbeddingCassetteTests {
    static let docText = "Aspirin reduces fever."
    static let queryText = "Does aspirin reduce fever?"

    static func indexLine(row: Int, kind: String, id: String, text: String) -> String {
        #"{"row": \#(row), "kind": "\#(kind)", "id": "\#(id)", "text_sha256": "\#(EmbeddingCassette.sha256Hex(of: text))", "chars": \#(text.unicodeScalars.count)}"#
    }

    /// Writes a two-row cassette (a doc and a query) to a temporary folder.
    static func writeCassette() throws -> URL {
        let directory = try NpyFixture.temporaryDirectory()
        let index = [
            indexLine(row: 0, kind: "doc", id: "d1", text: docText),
            indexLine(row: 1, kind: "query", id: "q1", text: queryText),
        ].joined(separator: "\n") + "\n"
        try Data(index.utf8).write(to: directory.appending(path: "index.jsonl"))
        try NpyFixture.matrix(rows: 2, columns: 3, values: [1, 0, 0, 0.5, 0.5, 0]).write(to: directory.appending(path: "vectors.npy"))
        return directory
    }

    @Test func sha256MatchesKnownDigests() {
        #expect(EmbeddingCassette.sha256Hex(of: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(EmbeddingCassette.sha256Hex(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func looksUpVectorsByTextAndKind() throws {
        let directory = try Self.writeCassette()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cassette = try EmbeddingCassette(directory: directory)
        #expect(cassette.dimension == 3)
        #expect(cassette.entries.map(\.id) == ["d1", "q1"])
        #expect(try cassette.vector(for: Self.docText, kind: .document) == [1, 0, 0])
        #expect(try cassette.vector(for: Self.queryText, kind: .query) == [0.5, 0.5, 0])
        #expect(cassette.entry(for: Self.queryText, kind: .query)?.characterCount == Self.queryText.unicodeScalars.count)
    }

    /// A miss is an error naming the text; the kind must match and the text must match exactly.
    @Test func missNamesTheText() throws {
        let directory = try Self.writeCassette()
        defer { try? FileManager.default.removeItem(at: directory) }
        let cassette = try EmbeddingCassette(directory: directory)
        for (text, kind) in [(Self.docText, EmbeddingCassette.Kind.query), (Self.docText + " ", .document)] {
            #expect(throws: CassetteError.self) { try cassette.vector(for: text, kind: kind) }
        }
        let long = String(repeating: "abcdefghij", count: 10) + "\nEND"
        do {
            _ = try cassette.vector(for: long, kind: .query)
            Issue.record("expected a miss")
        } catch let error as CassetteError {
            #expect(error.code == .miss)
            #expect(error.message.contains("\"" + String(long.prefix(80)) + "…\""))
            #expect(!error.message.contains("END"))
            #expect(error.message.contains(EmbeddingCassette.sha256Hex(of: long)))
        }
    }

    @Test func rejectsInconsistentCassettes() throws {
        let vectors = NpyMatrix(rows: 2, columns: 1, values: [1, 2])
        let good0 = Self.indexLine(row: 0, kind: "doc", id: "a", text: "a")
        let good1 = Self.indexLine(row: 1, kind: "doc", id: "b", text: "b")
        let cases: [(String, CassetteError.Code)] = [
            (good0, .inconsistent),                                              // 1 entry, 2 rows
            (good1 + "\n" + good0, .inconsistent),                               // rows out of order
            (good0 + "\n" + Self.indexLine(row: 1, kind: "doc", id: "c", text: "a"), .inconsistent),  // same text twice
            (good0 + "\n" + #"{"row": 1, "kind": "doc"}"#, .malformedIndex),     // missing fields
            (good0 + "\n" + Self.indexLine(row: 1, kind: "passage", id: "b", text: "b"), .malformedIndex),
            (good0 + "\n" + #"{"row": 1, "kind": "doc", "id": "b", "text_sha256": "XYZ", "chars": 1}"#, .malformedIndex),
        ]
        for (index, code) in cases {
            #expect(throws: CassetteError(code: code, message: "")) {
                try EmbeddingCassette(indexJSONL: Data(index.utf8), vectors: vectors)
            }
        }
        // The same text may be recorded once as a doc and once as a query.
        let docAndQuery = good0 + "\n" + Self.indexLine(row: 1, kind: "query", id: "q", text: "a") + "\n\n"
        #expect(try EmbeddingCassette(indexJSONL: Data(docAndQuery.utf8), vectors: vectors).entries.count == 2)
    }

    @Test func missingFilesAreReported() {
        let nowhere = URL(filePath: "/nonexistent-\(UUID().uuidString)")
        #expect(throws: CassetteError(code: .unreadableFile, message: "")) {
            try EmbeddingCassette(directory: nowhere)
        }
    }
}

@Suite struct PythonStripTests {
    @Test func stripsLikePythonStr() {
        #expect("  a b \n".trimmingPythonWhitespace() == "a b")
        #expect("\u{1C}\u{A0}x\u{3000}".trimmingPythonWhitespace() == "x")
        #expect(" \t\n ".trimmingPythonWhitespace() == "")
        #expect("inner  \n space".trimmingPythonWhitespace() == "inner  \n space")
        // A combining mark after a leading space survives, as in Python (scalars, not Characters).
        #expect(" \u{301}x".trimmingPythonWhitespace().unicodeScalars.map(\.value) == [0x301, 0x78])
        // Zero-width space is not whitespace in Python.
        #expect("\u{200B}x".trimmingPythonWhitespace() == "\u{200B}x")
    }
}
