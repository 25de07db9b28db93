import Foundation
import Testing

/// `dcoder rag eval-retrieval` and `eval-qa` on the shared public data sets.
@Suite struct RagCLITests {
    static let corpora = "../shared/corpora"

    static func lastJSON(_ out: String) throws -> [String: Any] {
        let line = try #require(out.split(separator: "\n").last)
        return try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func evalRetrievalPrintsTheScoresOfEachModeAsJSON() throws {
        var scores: [String: Double] = [:]
        for mode in ["bm25", "hybrid"] {
            let r = try CLI.run(["rag", "eval-retrieval", "--dataset", Self.corpora + "/scifact", "--mode", mode])
            #expect(r.status == 0, "\(r.err)")
            let json = try Self.lastJSON(r.out)
            #expect(json["queries"] as? Int == 179 && (json["recall@10"] as? Double ?? 0) > 0.7 && (json["recall@100"] as? Double ?? 0) > 0.9)
            scores[mode] = json["ndcg@10"] as? Double
        }
        #expect((scores["bm25"] ?? 0) >= 0.67 && (scores["hybrid"] ?? 0) >= 0.71, "\(scores)")
        let bad = try CLI.run(["rag", "eval-retrieval", "--dataset", Self.corpora + "/scifact", "--mode", "dense",
                               "--embeddings", Self.corpora + "/squad-dev-v1.1/embeddings"])
        #expect(bad.status == 2 && bad.err.contains("no doc embedding recorded for text"), "\(bad.err)")  // a cassette miss names the text, never a fallback
    }

    @Test func evalQAScoresGroundedAnswersOnSQuAD() throws {
        let squad = Self.corpora + "/squad-dev-v1.1"
        let r = try CLI.run(["rag", "eval-qa", "--corpus", squad + "/docs", "--qa", squad + "/qa.jsonl", "--embeddings", squad + "/embeddings"])
        #expect(r.status == 0, "\(r.err)")
        let json = try Self.lastJSON(r.out)
        #expect(json["questions"] as? Int == 301)
        for key in ["f1", "exact_match", "hit_at_k", "citation_precision", "citation_recall", "groundedness"] {
            #expect(json[key] is Double, "\(key)")
        }
        #expect((json["hit_at_k"] as? Double ?? 0) > 0.85 && (json["citation_precision"] as? Double ?? 0) > 0.7)
    }

    @Test func ingestIsATrackedIdempotentJob() throws {
        let data = CLI.tempDir()
        #expect(try CLI.run(["tenant", "create", "acme", "--data", data]).status == 0)
        let first = try CLI.run(["rag", "ingest", "--tenant", "acme", "Corpora/handbook", "--data", data])
        #expect(first.status == 0 && first.out.contains("oncall.pdf\tindexed") && first.out.hasSuffix("succeeded\n"), "\(first.out)\(first.err)")
        let again = try CLI.run(["rag", "ingest", "--tenant", "acme", "Corpora/handbook/expenses.md", "--data", data])
        #expect(again.status == 0 && again.out.contains("expenses.md\tunchanged"), "\(again.out)")
        let bad = CLI.tempDir() + "/broken.pdf"
        try Data("not a pdf".utf8).write(to: URL(fileURLWithPath: bad))
        let failed = try CLI.run(["rag", "ingest", "--tenant", "acme", bad, "--data", data])
        #expect(failed.status == 1 && failed.out.contains("broken.pdf\tfailed") && failed.out.contains("%PDF"), "\(failed.out)")
    }
}

