import ArgumentParser
import Foundation
import Retrieval

struct RagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rag",
        abstract: "Retrieval for RAG: measure BM25, dense and hybrid retrieval.",
        subcommands: [Eval.self])

    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score BM25, dense and hybrid (RRF) retrieval on a BEIR data set.",
            discussion: """
            DATASET is a BEIR folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv) with recorded \\
            embeddings (an embedding cassette: embeddings/index.jsonl and vectors.npy), such as \\
            ../shared/corpora/scifact. Prints nDCG@10 and Recall@100 over the judged queries of each \\
            method, with timings. Build with -c release for meaningful timings.
            """)

        @Argument(help: "The BEIR data set folder.", completion: .directory)
        var dataset: String

        @Option(help: "The embedding cassette folder (default: DATASET/embeddings).", completion: .directory)
        var cassette: String?

        @Option(help: "Which qrels split to score.")
        var split = "test"

        func run() throws {
            let clock = ContinuousClock()
            let folder = URL(filePath: dataset, directoryHint: .isDirectory)
            var start = clock.now
            let data: BEIRDataset
            let recorded: EmbeddingCassette
            do {
                data = try BEIRDataset(directory: folder, split: split)
                recorded = try EmbeddingCassette(directory: cassette.map { URL(filePath: $0, directoryHint: .isDirectory) } ?? folder.appending(path: "embeddings"))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
            let loaded = clock.now - start
            let benchmark = BEIRBenchmark(dataset: data, cassette: recorded)
            start = clock.now
            let searcher = try benchmark.buildSearcher()
            let indexed = clock.now - start
            let stats = searcher.keyword.statistics
            print("data set: \(dataset) (split \(split)): \(data.documents.count) documents, \(stats.vocabularySize) terms, "
                + String(format: "avgdl %.1f", stats.averageDocumentLength) + ", vectors \(searcher.vectors.count) × \(searcher.vectors.dimension)")
            print("load \(Self.seconds(loaded)), index \(Self.seconds(indexed))")
            print("")
            print("method        nDCG@10  Recall@100  queries  time")
            for method in BEIRBenchmark.Method.allCases {
                start = clock.now
                let r = try benchmark.evaluate(method, with: searcher)
                let line = method.rawValue.padding(toLength: 12, withPad: " ", startingAt: 0)
                print(line + String(format: "  %.4f   %.4f      %-7d  ", r.ndcgAt10, r.recallAt100, r.queryCount) + Self.seconds(clock.now - start))
            }
            let f = benchmark.searcherConfiguration
            print("")
            print("BM25 k1=\(benchmark.keywordTemplate.parameters.k1) b=\(benchmark.keywordTemplate.parameters.b); "
                + "hybrid \(f.fusion.method), depth \(f.keywordDepth)/\(f.vectorDepth), weights \(f.keywordWeight)/\(f.vectorWeight)")
        }

        static func seconds(_ d: Duration) -> String {
            let (s, atto) = d.components
            return String(format: "%.3f s", Double(s) + Double(atto) / 1e18)
        }
    }
}
