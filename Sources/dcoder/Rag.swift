import Base
import ArgumentParser
import Foundation
import Mocks
import Simulator
import Retrieval
import Storage
import PlatformAPI

struct RagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rag",
        abstract: "RAG: measure retrieval and grounded answers on data sets.",
        subcommands: [Eval.self, EvalRetrieval.self, EvalQA.self, Ingest.self])

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
            // Wall time on purpose: the timings printed measure this machine.
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

extension RagCommand {
    struct EvalRetrieval: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval-retrieval",
            abstract: "nDCG@10, Recall@10 and Recall@100 of one retrieval mode on a BEIR folder; JSON on the last line.",
            discussion: """
            Dense and hybrid need recorded embeddings (--embeddings: cassette folders, tried in \
            order; DATASET/embeddings by default). A text missing from every cassette is an error \
            that names it.
            """)

        @Option(help: "The BEIR data set folder (corpus.jsonl, queries.jsonl, qrels/).", completion: .directory)
        var dataset: String

        @Option(help: "Another queries.jsonl.") var queries: String?
        @Option(help: "Another qrels TSV.") var qrels: String?
        @Option(help: "bm25, dense or hybrid.") var mode: String = "hybrid"
        @Option(parsing: .upToNextOption, help: "Embedding cassette folders.") var embeddings: [String] = []
        @Option(help: "The qrels split when --qrels is not given.") var split = "test"
        @Option(help: "Hybrid fusion: rrf (reciprocal rank) or weighted (min-max normalised scores).") var fusion: String?
        @Option(name: .customLong("rrf-k"), help: "RRF's constant (default 60).") var rrfK: Double?
        @Option(help: "The weight of the BM25 list (default 1).") var bm25Weight: Double?
        @Option(help: "The weight of the dense list (default 1).") var denseWeight: Double?
        @Option(help: "Hits of each retriever that take part in fusion (default 100).") var depth: Int?

        func run() throws {
            guard let method: BEIRBenchmark.Method = ["bm25": .bm25, "dense": .dense, "hybrid": .hybrid][mode] else {
                throw ValidationError("--mode must be bm25, dense or hybrid")
            }
            let configuration: HybridSearcher.Configuration
            do {
                configuration = try HybridSearcher.configuration(method: fusion, k: rrfK, bm25Weight: bm25Weight, denseWeight: denseWeight, depth: depth)
            } catch { throw ValidationError("\(error)") }
            let folder = URL(filePath: dataset, directoryHint: .isDirectory)
            do {
                let data = try BEIRDataset(directory: folder, split: split, queriesFile: queries.map { URL(filePath: $0) },
                                           qrelsFile: qrels.map { URL(filePath: $0) })
                let dirs = embeddings.isEmpty ? [folder.appending(path: "embeddings")] : embeddings.map { URL(filePath: $0, directoryHint: .isDirectory) }
                let cassettes = try dirs.map { try EmbeddingCassette(directory: $0) }
                var benchmark = BEIRBenchmark(dataset: data, cassette: cassettes[0], searcherConfiguration: configuration)
                benchmark.moreCassettes = Array(cassettes.dropFirst())
                let r = try benchmark.evaluate(method, with: try benchmark.buildSearcher())
                print("\(method.rawValue) on \(dataset): \(r.queryCount) judged queries, \(data.documents.count) documents")
                let scores: JSONValue = [
                    "mode": .string(mode), "queries": .int(r.queryCount), "ndcg@10": .double(r.ndcgAt10, decimals: 4),
                    "recall@10": .double(r.recallAt10, decimals: 4), "recall@100": .double(r.recallAt100, decimals: 4),
                ]
                print(scores.serialized(JSONStyle(sortedKeys: false)))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
    }

    struct EvalQA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval-qa",
            abstract: "Grounded QA through the Lab (mock reader model); scores as JSON on the last line.",
            discussion: """
            CORPUS holds one text file per article (title line, blank line, paragraphs separated by \
            blank lines) as ../shared/corpora/squad-dev-v1.1/docs; QA is a JSON-lines file of \
            {id, question, answers, context_doc_id, context_offset, context}. Each paragraph is one \
            chunk, indexed as "title paragraph" (the text the cassettes recorded). With --embeddings, \
            retrieval is hybrid over BM25 and the recorded vectors; without, BM25 only. A measurement \
            of the platform's retrieval and grounded-answer code (`KnowledgeBase`) on a data set, in \
            memory: scenarios ask their questions through the gateway's `doc-chat` instead.
            """)

        @Option(help: "The folder of article text files.", completion: .directory) var corpus: String
        @Option(help: "The questions (JSON lines).") var qa: String
        @Option(parsing: .upToNextOption, help: "Embedding cassette folders.") var embeddings: [String] = []
        @Option(help: "Passages given to the reader.") var topK: Int = 4

        func run() async throws {
            do {
                let cassettes = try embeddings.map { try EmbeddingCassette(directory: URL(filePath: $0, directoryHint: .isDirectory)) }
                let dimension = cassettes.first?.dimension ?? 256
                let embed: KnowledgeBase.Embed = { texts, query in
                    // Without cassettes the Lab's mock embedder fills the dense index (retrieval is BM25 then).
                    guard !cassettes.isEmpty else { return texts.map { HashingEmbedder.embed($0, dimensions: dimension) } }
                    return try texts.map { t in
                        let kind: EmbeddingCassette.Kind = query ? .query : .document
                        for c in cassettes where c.entry(for: t, kind: kind) != nil { return try c.vector(for: t, kind: kind) }
                        return try cassettes[0].vector(for: t, kind: kind)
                    }
                }
                var knowledge = KnowledgeBase(dimension: dimension, embed: embed)
                let files = try FileManager.default.contentsOfDirectory(atPath: corpus).filter { $0.hasSuffix(".txt") }.sorted()
                for file in files {
                    let text = try String(contentsOfFile: (corpus as NSString).appendingPathComponent(file), encoding: .utf8)
                    let id = String(file.dropLast(4))
                    try knowledge.ingest(document: id, hash: KnowledgeBase.contentHash(Array(text.utf8)), chunks: Self.paragraphs(text, document: id))
                }
                var questions: [RAGQuestion] = []
                for line in try String(contentsOfFile: qa, encoding: .utf8).split(separator: "\n") where !line.isEmpty {
                    let o = try JSONValue.parse(String(line))
                    guard let id = o["id"]?.stringValue, let q = o["question"]?.stringValue,
                          let answers = o["answers"]?.arrayValue?.compactMap(\.stringValue),
                          let doc = o["context_doc_id"]?.stringValue, let offset = o["context_offset"]?.integerValue,
                          let context = o["context"]?.stringValue else {
                        throw ValidationError("a line of \(qa) lacks id, question, answers, context_doc_id, context_offset or context")
                    }
                    questions.append(RAGQuestion(id: id, question: q, answers: answers,
                                                 gold: [.init(document: doc, span: offset..<(offset + context.unicodeScalars.count))]))
                }
                let mode: KnowledgeBase.Mode = cassettes.isEmpty ? .bm25 : .hybrid
                var answers: [RAGAnswer] = []
                for q in questions {
                    let passages = try knowledge.retrieve(q.question, k: topK, mode: mode)
                    // The same composition as doc-chat's, with the mock providers' reader as the model.
                    let grounded = await KnowledgeBase.answer(q.question, from: passages) { system, user in
                        Reader.answer(Reader.parse(system: system, user: user)).text
                    }
                    answers.append(RAGAnswer(question: q, grounded: grounded))
                }
                let results = RAGResults(answers: answers)
                print("\(answers.count) questions over \(files.count) articles, \(mode.rawValue) retrieval, top \(topK), reader: the Lab's extractive reader")
                print(results.summaryJSON)
            } catch let e as ValidationError {
                throw e
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }

        /// One chunk per paragraph: the text the SQuAD cassette recorded ("title paragraph",
        /// stripped), with the paragraph's offsets in the file.
        static func paragraphs(_ text: String, document: String) -> [DocumentChunk] {
            var body = text
            while body.hasSuffix("\n") { body.removeLast() }
            let pieces = body.components(separatedBy: "\n\n")
            guard let title = pieces.first else { return [] }
            var out: [DocumentChunk] = []
            var offset = title.unicodeScalars.count + 2
            for (i, p) in pieces.dropFirst().enumerated() {
                let n = p.unicodeScalars.count
                let text = (title + " " + p).trimmingCharacters(in: .whitespacesAndNewlines)
                out.append(DocumentChunk(document: document, index: i, text: text, section: [], start: offset, end: offset + n))
                offset += n + 2
            }
            return out
        }
    }
}


extension RagCommand {
    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ingest documents into a tenant's knowledge base as one tracked job.",
            discussion: """
            Files (.md, .html, .pdf, .txt) and folders (every such file in them) are submitted as one \\
            job and processed at once: each document is parsed, chunked, embedded (the hashing \\
            embedder) and stored in the tenant's database; unchanged documents are skipped, changed \\
            ones replaced. Prints each document's outcome and the job's state; exit 1 if any failed. \\
            With --queue the job is only recorded, for the server (`dcoder serve`, which processes \\
            queued jobs every second) to run with the tenant's embedding model, if it has one.
            """)

        @Option(help: "The tenant.") var tenant: String
        @Flag(help: "Record the job for the server to process, with the tenant's embedding model.") var queue = false
        @Argument(help: "Files and folders.") var paths: [String]
        @OptionGroup var store: TenantCommand.StoreOptions

        func run() async throws {
            let id = try TenantCommand.tenantID(tenant)
            var documents: [SubmittedDocument] = []
            for path in paths {
                var isDir: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else { throw ValidationError("no file or folder '\(path)'") }
                let files = isDir.boolValue
                    ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { (path as NSString).appendingPathComponent($0) }
                    : [path]
                for file in files {
                    guard let format = DocumentFormat.of(fileName: file) else {
                        if !isDir.boolValue { throw ValidationError("'\(file)': not .md, .html, .pdf or .txt") }
                        continue
                    }
                    guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read '\(file)'") }
                    documents.append(SubmittedDocument(name: (file as NSString).lastPathComponent, format: format.rawValue, content: Array(data)))
                }
            }
            guard !documents.isEmpty else { throw ValidationError("no documents to ingest") }
            let job: IngestionJob = try await store.withProvisioner { provisioner, _ in
                let clock = SystemTimeSource()
                let tenantStore = try await provisioner.openTenantStore(id, now: clock.currentDate())
                let knowledge = KnowledgeService(settings: .init(parser: DocumentParser(pdf: BuiltinPDFExtractor())), clock: { clock.currentDate() })
                let jobID = "job_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
                let submitted = try await knowledge.submit(id.rawValue, store: tenantStore, id: String(jobID), documents: documents)
                if queue { return submitted }
                let done = try await knowledge.runPending(id.rawValue, store: tenantStore)
                return done.first { $0.id == submitted.id } ?? submitted
            }
            for o in job.outcomes {
                print("\(o.document)\t\(o.result.rawValue)\t\(o.chunks) chunks" + (o.error.map { "\t\($0)" } ?? ""))
            }
            print("job \(job.id): \(job.status.rawValue)")
            if job.status != .succeeded, !(queue && job.status == .queued) { throw ExitCode(1) }
        }
    }
}
