import Foundation

/// A retrieval test collection in BEIR's format: `corpus.jsonl`, `queries.jsonl` and
/// `qrels/<split>.tsv`.
///
/// ```swift
/// let scifact = try BEIRDataset(directory: URL(filePath: "/data/scifact"))
/// scifact.documents.count     // 5183
/// scifact.judgedQueries.count // queries with at least one relevant document
/// ```
public struct BEIRDataset: Sendable {
    /// A corpus document: `{"_id", "title", "text", "metadata"}`.
    public struct Document: Sendable, Hashable {
        /// The corpus `_id`.
        public var id: String
        /// The title; empty when absent.
        public var title: String
        /// The body text.
        public var text: String

        /// Creates a document.
        public init(id: String, title: String, text: String) {
            self.id = id
            self.title = title
            self.text = text
        }

        /// `title + " " + text` with surrounding whitespace removed as Python's `str.strip()`
        /// does: the text that BEIR-style pipelines embed and index.
        public var combinedText: String {
            (title + " " + text).trimmingPythonWhitespace()
        }
    }

    /// A query: `{"_id", "text", "metadata"}`.
    public struct Query: Sendable, Hashable {
        /// The query `_id`.
        public var id: String
        /// The query text, verbatim.
        public var text: String

        /// Creates a query.
        public init(id: String, text: String) {
            self.id = id
            self.text = text
        }
    }

    /// The corpus, in file order.
    public var documents: [Document]
    /// The queries, in file order.
    public var queries: [Query]
    /// The relevance judgments.
    public var qrels: Qrels

    /// Creates a data set.
    public init(documents: [Document], queries: [Query], qrels: Qrels) {
        self.documents = documents
        self.queries = queries
        self.qrels = qrels
    }

    /// Reads a BEIR data set folder.
    ///
    /// - Parameters:
    ///   - directory: The folder holding `corpus.jsonl`, `queries.jsonl` and `qrels/`.
    ///   - split: The qrels file to read, `qrels/<split>.tsv`.
    /// - Throws: ``DatasetError`` if a file is missing or malformed, or ids repeat.
    ///   - queriesFile: Another queries file (BEIR `queries.jsonl` format) instead of the folder's.
    ///   - qrelsFile: Another qrels file (BEIR TSV) instead of `qrels/<split>.tsv`.
    public init(directory: URL, split: String = "test", queriesFile: URL? = nil, qrelsFile: URL? = nil) throws {
        let corpus: [RawRecord] = try Self.readJSONLines(directory.appending(path: "corpus.jsonl"))
        let queries: [RawRecord] = try Self.readJSONLines(queriesFile ?? directory.appending(path: "queries.jsonl"))
        let qrels = try Qrels(contentsOf: qrelsFile ?? directory.appending(path: "qrels").appending(path: "\(split).tsv"))
        try Self.checkUnique(corpus.map(\.id), what: "corpus.jsonl")
        try Self.checkUnique(queries.map(\.id), what: "queries.jsonl")
        self.init(
            documents: corpus.map { Document(id: $0.id, title: $0.title ?? "", text: $0.text) },
            queries: queries.map { Query(id: $0.id, text: $0.text) },
            qrels: qrels
        )
    }

    /// The queries that have at least one relevant judgment, in file order — the ones that
    /// BEIR and `trec_eval` average over.
    public var judgedQueries: [Query] {
        queries.filter { query in qrels[query.id].values.contains { $0 > 0 } }
    }

    // MARK: - Reading

    private struct RawRecord: Decodable {
        var id: String
        var title: String?
        var text: String

        enum CodingKeys: String, CodingKey {
            case id = "_id", title, text
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            if let number = try? container.decode(Int.self, forKey: .id) {
                id = String(number)
            } else {
                id = try container.decode(String.self, forKey: .id)
            }
            title = try container.decodeIfPresent(String.self, forKey: .title)
            text = try container.decode(String.self, forKey: .text)
        }
    }

    private static func readJSONLines<Record: Decodable>(_ url: URL) throws -> [Record] {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw DatasetError(code: .unreadableFile, message: "cannot read \(url.path): \(error)")
        }
        let decoder = JSONDecoder()
        return try JSONLines.split(data).map { lineNumber, line in
            do {
                return try decoder.decode(Record.self, from: line)
            } catch {
                throw DatasetError(code: .malformedLine, message: "\(url.lastPathComponent) line \(lineNumber): \(error)")
            }
        }
    }

    private static func checkUnique(_ ids: [String], what: String) throws {
        var seen: Set<String> = []
        for id in ids where !seen.insert(id).inserted {
            throw DatasetError(code: .duplicateID, message: "\(what) has the id \"\(id)\" more than once")
        }
    }
}
