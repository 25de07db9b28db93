import Foundation
import Testing
@testable import Retrieval

@Suite struct BM25IndexTests {
    /// No stop words and no stemming, so the arithmetic below can be followed by hand.
    static let plain = Analyzer(stopWords: [], stems: false)

    static func tinyIndex() -> BM25Index {
        var index = BM25Index(analyzer: plain)
        index.upsert(Chunk(id: "d1", text: "cat dog"))          // dl = 2
        index.upsert(Chunk(id: "d2", text: "cat cat mouse"))    // dl = 3
        index.upsert(Chunk(id: "d3", text: "bird"))             // dl = 1
        return index                                            // N = 3, avgdl = 6 / 3 = 2
    }

    /// Scores follow Lucene's BM25: idf = ln(1 + (N - n + 0.5) / (n + 0.5)),
    /// tf part = tf / (tf + k1 * (1 - b + b * dl / avgdl)), k1 = 1.2, b = 0.75.
    @Test func scoresMatchHandComputedExample() {
        let index = Self.tinyIndex()
        #expect(index.statistics == BM25Statistics(documentCount: 3, totalLength: 6, vocabularySize: 4))

        // "cat": n = 2 → idf = ln(1 + 1.5 / 2.5) = ln 1.6 = 0.4700036292457356.
        // d1: tf 1, dl 2 → norm 1.2 * (0.25 + 0.75 * 1.0) = 1.2   → 1 / 2.2
        // d2: tf 2, dl 3 → norm 1.2 * (0.25 + 0.75 * 1.5) = 1.65  → 2 / 3.65
        let cat = index.search("cat", k: 10)
        #expect(cat.map(\.id) == ["d2", "d1"])
        #expect(cat.map(\.rank) == [1, 2])
        #expect(abs(cat[0].score - 0.2575362352031428) < 1e-12)  // ln 1.6 * 2 / 3.65
        #expect(abs(cat[1].score - 0.2136380132935162) < 1e-12)  // ln 1.6 * 1 / 2.2

        // "cat mouse": mouse n = 1 → idf = ln(1 + 2.5 / 1.5) = 0.9808292530117262; d2 adds 1 / 2.65 of it.
        let both = index.search("cat mouse", k: 10)
        #expect(both.map(\.id) == ["d2", "d1"])
        #expect(abs(both[0].score - (0.2575362352031428 + 0.3701242464195193)) < 1e-12)

        // A repeated query term counts once per occurrence.
        let twice = index.search("mouse mouse", k: 10)
        #expect(abs(twice[0].score - 2 * 0.3701242464195193) < 1e-12)
    }

    @Test func parametersAreConfigurable() {
        var index = Self.tinyIndex()
        index.parameters = BM25Parameters(k1: 0, b: 0)  // binary: every match scores idf
        let hits = index.search("cat", k: 10)
        #expect(hits.allSatisfy { abs($0.score - log(1.6)) < 1e-12 })
        #expect(hits.map(\.id) == ["d1", "d2"])  // equal scores: ascending id

        let formula = BM25Parameters(k1: 2, b: 0.5)
        #expect(abs(formula.termScore(idf: 1, termFrequency: 1, documentLength: 4, averageDocumentLength: 2) - 1.0 / 4.0) < 1e-12)
        #expect(abs(formula.idf(documentFrequency: 1, documentCount: 3) - log(1 + 2.5 / 1.5)) < 1e-12)
    }

    @Test func unknownTermsAndEmptyQueriesReturnNothing() {
        let index = Self.tinyIndex()
        #expect(index.search("zebra", k: 10).isEmpty)
        #expect(index.search("", k: 10).isEmpty)
        #expect(index.search("cat", k: 0).isEmpty)
        #expect(BM25Index().search("anything", k: 5).isEmpty)
    }

    @Test func limitsToTopKWithDeterministicTies() {
        var index = BM25Index(analyzer: Self.plain)
        for id in ["c", "a", "e", "b", "d"] {
            index.upsert(Chunk(id: id, text: "same words here"))
        }
        #expect(index.search("words", k: 3).map(\.id) == ["a", "b", "c"])
        #expect(index.search("words", k: 10).map(\.id) == ["a", "b", "c", "d", "e"])
    }

    /// After any sequence of adds, replacements and removals, statistics and scores equal those
    /// of an index built from scratch over the surviving chunks.
    @Test func incrementalUpdatesMatchFreshIndex() {
        var incremental = BM25Index()
        incremental.upsert(Chunk(id: "1", text: "Aspirin reduces fever in adults"))
        incremental.upsert(Chunk(id: "2", text: "Fever and inflammation in children"))
        incremental.upsert(Chunk(id: "3", text: "Ibuprofen treats inflammation"))
        incremental.upsert(Chunk(id: "4", text: "Paracetamol for fever"))
        let removedOnce = incremental.remove(id: "2")
        let removedTwice = incremental.remove(id: "2")
        #expect(removedOnce && !removedTwice)
        incremental.upsert(Chunk(id: "3", text: "Ibuprofen treats pain and fever"))  // replace
        incremental.upsert(Chunk(id: "5", text: "Inflammation markers in blood"))    // reuses a slot

        var fresh = BM25Index()
        fresh.upsert(Chunk(id: "1", text: "Aspirin reduces fever in adults"))
        fresh.upsert(Chunk(id: "3", text: "Ibuprofen treats pain and fever"))
        fresh.upsert(Chunk(id: "4", text: "Paracetamol for fever"))
        fresh.upsert(Chunk(id: "5", text: "Inflammation markers in blood"))

        #expect(incremental.count == 4)
        #expect(incremental.statistics == fresh.statistics)
        for term in ["fever", "inflamm", "children", "ibuprofen", "pain"] {
            #expect(incremental.documentFrequency(ofTerm: term) == fresh.documentFrequency(ofTerm: term))
        }
        #expect(incremental.documentFrequency(ofTerm: "children") == 0)
        for query in ["fever", "inflammation in children", "pain relief ibuprofen", "blood fever aspirin"] {
            #expect(incremental.search(query, k: 10) == fresh.search(query, k: 10))
        }
    }

    @Test func removingEverythingEmptiesStatistics() {
        var index = Self.tinyIndex()
        for id in ["d1", "d2", "d3"] { index.remove(id: id) }
        #expect(index.statistics == BM25Statistics(documentCount: 0, totalLength: 0, vocabularySize: 0))
        #expect(index.search("cat", k: 5).isEmpty)
        #expect(index.length(ofChunk: "d1") == nil)
    }

    @Test func filtersOnMetadata() {
        var index = BM25Index()
        index.upsert(Chunk(id: "en1", text: "fever treatment", metadata: ["lang": "en", "source": "pubmed"]))
        index.upsert(Chunk(id: "en2", text: "fever in children", metadata: ["lang": "en", "source": "pmc"]))
        index.upsert(Chunk(id: "de1", text: "fever", metadata: ["lang": "de", "source": "pubmed"]))
        index.upsert(Chunk(id: "none", text: "fever fever"))

        #expect(Set(index.search("fever", k: 10).map(\.id)) == ["en1", "en2", "de1", "none"])
        #expect(index.search("fever", k: 10, filter: .equals(field: "lang", value: "en")).map(\.id).sorted() == ["en1", "en2"])
        #expect(index.search("fever", k: 10, filter: .oneOf(field: "source", values: ["pubmed"])).map(\.id).sorted() == ["de1", "en1"])
        let both = MetadataFilter.all([.equals(field: "lang", value: "en"), .oneOf(field: "source", values: ["pubmed", "x"])])
        #expect(index.search("fever", k: 10, filter: both).map(\.id) == ["en1"])
        #expect(index.search("fever", k: 10, filter: .equals(field: "lang", value: "fr")).isEmpty)
        // Ranks are assigned after filtering.
        #expect(index.search("fever", k: 10, filter: .equals(field: "lang", value: "de")).first?.rank == 1)
    }
}

@Suite struct MetadataFilterTests {
    @Test func matchesEqualityListsAndConjunctions() {
        let metadata = ["lang": "en", "source": "pmc"]
        #expect(MetadataFilter.equals(field: "lang", value: "en").matches(metadata))
        #expect(!MetadataFilter.equals(field: "lang", value: "EN").matches(metadata))
        #expect(!MetadataFilter.equals(field: "missing", value: "").matches(metadata))
        #expect(MetadataFilter.oneOf(field: "source", values: ["pmc", "pubmed"]).matches(metadata))
        #expect(!MetadataFilter.oneOf(field: "source", values: []).matches(metadata))
        #expect(MetadataFilter.all([]).matches([:]))
        #expect(!MetadataFilter.all([.equals(field: "lang", value: "en"), .equals(field: "source", value: "x")]).matches(metadata))
    }
}
