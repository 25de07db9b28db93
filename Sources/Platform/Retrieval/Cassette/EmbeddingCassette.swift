import Crypto
import Foundation

/// Recorded embeddings, looked up by the SHA-256 of the exact text that was embedded.
///
/// A cassette is a folder with `vectors.npy` (an `N × d` float32 matrix) and `index.jsonl`, whose
/// line `i` describes row `i`:
/// `{"row": i, "kind": "doc"|"query", "id": "...", "text_sha256": "<64 hex>", "chars": n}`.
/// It lets retrieval be evaluated and tested offline, with the embeddings a model produced
/// once. A text that was not recorded is an error naming the text — never a silent fallback —
/// because a replay that quietly invents vectors would report meaningless metrics.
///
/// ```swift
/// let cassette = try EmbeddingCassette(directory: URL(filePath: "scifact/embeddings"))
/// let vector = try cassette.vector(for: "0-dimensional biomaterials show inductive properties.", kind: .query)
/// ```
public struct EmbeddingCassette: Sendable {
    /// Whether a row embeds a document (chunk) text or a query text.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// A document or chunk text (`"doc"` in `index.jsonl`).
        case document = "doc"
        /// A query text (`"query"` in `index.jsonl`).
        case query
    }

    /// One line of `index.jsonl`.
    public struct Entry: Sendable, Hashable {
        /// The row of `vectors.npy`.
        public var row: Int
        /// Document or query.
        public var kind: Kind
        /// The source id of the text (a corpus `_id`, a query `_id`, …).
        public var id: String
        /// Lower-case hex SHA-256 of the text's UTF-8 bytes.
        public var textSHA256: String
        /// The text's length in Unicode scalars.
        public var characterCount: Int
    }

    private struct Key: Hashable {
        var kind: Kind
        var sha256: String
    }

    /// Every entry, in row order.
    public let entries: [Entry]
    /// The recorded vectors, one row per entry.
    public let vectors: NpyMatrix
    private let rowByKey: [Key: Int]

    /// The number of components of every vector.
    public var dimension: Int { vectors.columns }

    /// Reads `index.jsonl` and `vectors.npy` from a cassette folder.
    ///
    /// - Throws: ``CassetteError`` if a file is missing, malformed, or the two disagree.
    public init(directory: URL) throws {
        let indexURL = directory.appending(path: "index.jsonl")
        let indexData: Data
        do {
            indexData = try Data(contentsOf: indexURL)
        } catch {
            throw CassetteError(code: .unreadableFile, message: "cannot read \(indexURL.path): \(error)")
        }
        let vectors = try NpyMatrix(contentsOf: directory.appending(path: "vectors.npy"))
        try self.init(indexJSONL: indexData, vectors: vectors)
    }

    /// Builds a cassette from the contents of `index.jsonl` and a parsed vector matrix.
    ///
    /// - Throws: ``CassetteError`` with code `malformedIndex` for a bad line, or `inconsistent`
    ///   when rows are out of order, the counts differ, or a (kind, hash) pair repeats.
    public init(indexJSONL: Data, vectors: NpyMatrix) throws {
        let decoder = JSONDecoder()
        var entries: [Entry] = []
        var rowByKey: [Key: Int] = [:]
        for (lineNumber, line) in JSONLines.split(indexJSONL) {
            let raw: RawEntry
            do {
                raw = try decoder.decode(RawEntry.self, from: line)
            } catch {
                throw CassetteError(code: .malformedIndex, message: "index.jsonl line \(lineNumber): \(error)")
            }
            guard let kind = Kind(rawValue: raw.kind) else {
                throw CassetteError(code: .malformedIndex,
                                    message: "index.jsonl line \(lineNumber): kind '\(raw.kind)' is neither 'doc' nor 'query'")
            }
            guard raw.text_sha256.utf8.count == 64, raw.text_sha256.utf8.allSatisfy(\.isLowercaseHexDigit) else {
                throw CassetteError(code: .malformedIndex,
                                    message: "index.jsonl line \(lineNumber): text_sha256 is not 64 lower-case hex digits")
            }
            guard raw.row == entries.count else {
                throw CassetteError(code: .inconsistent,
                                    message: "index.jsonl line \(lineNumber) has row \(raw.row); expected \(entries.count) (line i must describe row i)")
            }
            let key = Key(kind: kind, sha256: raw.text_sha256)
            if let previous = rowByKey[key] {
                throw CassetteError(code: .inconsistent,
                                    message: "index.jsonl rows \(previous) and \(raw.row) record the same \(kind.rawValue) text")
            }
            rowByKey[key] = raw.row
            entries.append(Entry(row: raw.row, kind: kind, id: raw.id, textSHA256: raw.text_sha256, characterCount: raw.chars))
        }
        guard entries.count == vectors.rows else {
            throw CassetteError(code: .inconsistent,
                                message: "index.jsonl has \(entries.count) entries but vectors.npy has \(vectors.rows) rows")
        }
        self.entries = entries
        self.vectors = vectors
        self.rowByKey = rowByKey
    }

    /// The entry recorded for exactly this text and kind, if any.
    public func entry(for text: String, kind: Kind) -> Entry? {
        rowByKey[Key(kind: kind, sha256: Self.sha256Hex(of: text))].map { entries[$0] }
    }

    /// The recorded embedding of exactly this text.
    ///
    /// - Parameters:
    ///   - text: The text as it was embedded, byte for byte (no trimming or normalisation).
    ///   - kind: Whether it was embedded as a document or a query.
    /// - Throws: ``CassetteError`` with code `miss`, naming the text, if it was not recorded.
    public func vector(for text: String, kind: Kind) throws -> [Float] {
        let sha256 = Self.sha256Hex(of: text)
        guard let row = rowByKey[Key(kind: kind, sha256: sha256)] else {
            throw CassetteError(code: .miss, message: "no \(kind.rawValue) embedding recorded for text "
                + "\(Self.preview(text)) (sha256 \(sha256), \(text.unicodeScalars.count) scalars)")
        }
        return vectors.row(row)
    }

    /// Lower-case hex SHA-256 of the text's UTF-8 bytes.
    public static func sha256Hex(of text: String) -> String {
        let digest = SHA256.hash(data: Data(text.utf8))
        let hexDigits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in digest {
            hex.append(hexDigits[Int(byte >> 4)])
            hex.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// The first 80 characters of a text, quoted, with line breaks made visible.
    static func preview(_ text: String) -> String {
        let head = text.prefix(80)
        let escaped = head.replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\r", with: "\\r")
        return "\"\(escaped)\(head.count < text.count ? "…" : "")\""
    }

    private struct RawEntry: Decodable {
        var row: Int
        var kind: String
        var id: String
        var text_sha256: String
        var chars: Int
    }
}

extension UInt8 {
    fileprivate var isLowercaseHexDigit: Bool {
        (0x30...0x39).contains(self) || (0x61...0x66).contains(self)
    }
}
