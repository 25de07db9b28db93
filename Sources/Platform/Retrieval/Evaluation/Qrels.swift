import Foundation

/// Relevance judgments: for each query id, a graded relevance per document id.
///
/// Read from BEIR's TSV format (`query-id<TAB>corpus-id<TAB>score`, with an optional header
/// line). Grades above 0 count as relevant, as in `trec_eval`.
public struct Qrels: Sendable, Hashable {
    /// Relevance grade by document id, by query id.
    public var judgments: [String: [String: Int]]

    /// Creates judgments.
    public init(judgments: [String: [String: Int]]) {
        self.judgments = judgments
    }

    /// The judgments of one query (empty if it has none).
    public subscript(queryID: String) -> [String: Int] {
        judgments[queryID] ?? [:]
    }

    /// Reads a BEIR qrels TSV file.
    ///
    /// - Throws: ``DatasetError`` if the file cannot be read or a line is malformed.
    public init(contentsOf url: URL) throws {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw DatasetError(code: .unreadableFile, message: "cannot read \(url.path): \(error)")
        }
        try self.init(tsv: text, source: url.lastPathComponent)
    }

    /// Parses BEIR qrels TSV text.
    ///
    /// - Throws: ``DatasetError`` with code `malformedLine` for a line that is not
    ///   `query-id<TAB>corpus-id<TAB>integer`.
    public init(tsv: String, source: String = "qrels") throws {
        var judgments: [String: [String: Int]] = [:]
        // Splitting on Character newlines also splits "\r\n", which Swift treats as one Character.
        for (offset, line) in tsv.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            if line.allSatisfy(\.isWhitespace) { continue }
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            if offset == 0, fields.first == "query-id" { continue }
            guard fields.count == 3, !fields[0].isEmpty, !fields[1].isEmpty,
                  let grade = Int(fields[2].trimmingCharacters(in: .whitespaces)) else {
                throw DatasetError(code: .malformedLine,
                                   message: "\(source) line \(offset + 1): expected query-id<TAB>corpus-id<TAB>integer, got \"\(line)\"")
            }
            judgments[String(fields[0]), default: [:]][String(fields[1])] = grade
        }
        self.judgments = judgments
    }
}
