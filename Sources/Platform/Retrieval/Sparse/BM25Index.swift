/// An in-memory inverted index scored with BM25, kept up to date chunk by chunk.
///
/// Chunks are added, replaced and removed by id; the collection statistics BM25 needs
/// (chunk count, total length, document frequencies) are maintained incrementally, so a
/// search always scores against exactly the chunks currently in the index — the same scores a
/// freshly built index over those chunks would give. See ``BM25Parameters`` for the formula.
///
/// ```swift
/// var index = BM25Index()
/// index.upsert(Chunk(id: "a", text: "Aspirin reduces fever", metadata: ["lang": "en"]))
/// index.upsert(Chunk(id: "b", text: "Fever in children", metadata: ["lang": "en"]))
/// let hits = index.search("fever reduction", k: 10, filter: .equals(field: "lang", value: "en"))
/// ```
///
/// `BM25Index` is a value type: copies are independent snapshots (copy-on-write storage).
public struct BM25Index: Sendable {
    /// The analyzer applied to chunk texts and queries alike.
    public let analyzer: Analyzer
    /// The BM25 parameters; changing them takes effect on the next search.
    public var parameters: BM25Parameters

    private struct Posting: Sendable {
        var slot: Int32
        var frequency: Int32
    }

    // Vocabulary: term → term id, and the posting list of each term id.
    private var termIDs: [String: Int32] = [:]
    private var postings: [[Posting]] = []
    private var nonEmptyTermCount = 0

    // Chunks live in slots; removed slots are reused.
    private var slotByID: [String: Int32] = [:]
    private var slotIDs: [String?] = []
    private var slotLengths: [Int32] = []
    private var slotMetadata: [[String: String]] = []
    private var slotTerms: [[Int32]] = []
    private var freeSlots: [Int32] = []
    private var totalLength = 0

    /// Creates an empty index.
    ///
    /// - Parameters:
    ///   - analyzer: Turns chunk texts and queries into terms; Lucene-like English by default.
    ///   - parameters: BM25's `k1` and `b`; Lucene's defaults (1.2, 0.75) by default.
    public init(analyzer: Analyzer = .english, parameters: BM25Parameters = BM25Parameters()) {
        self.analyzer = analyzer
        self.parameters = parameters
    }

    // MARK: - Statistics

    /// The number of chunks in the index.
    public var count: Int { slotByID.count }

    /// Whether a chunk with this id is indexed.
    public func contains(id: String) -> Bool { slotByID[id] != nil }

    /// The collection statistics that BM25 currently scores with.
    public var statistics: BM25Statistics {
        BM25Statistics(documentCount: count, totalLength: totalLength, vocabularySize: nonEmptyTermCount)
    }

    /// The number of indexed chunks that contain `term`, an already analysed term (for
    /// example `"fever"` or the stem `"reduct"`).
    public func documentFrequency(ofTerm term: String) -> Int {
        guard let termID = termIDs[term] else { return 0 }
        return postings[Int(termID)].count
    }

    /// The length, in analysed terms, of the chunk with this id.
    public func length(ofChunk id: String) -> Int? {
        slotByID[id].map { Int(slotLengths[Int($0)]) }
    }

    // MARK: - Updating

    /// Adds a chunk, replacing any chunk with the same id.
    public mutating func upsert(_ chunk: Chunk) {
        remove(id: chunk.id)
        let terms = analyzer.analyze(chunk.text)

        // Term frequencies in first-occurrence order (deterministic, no Dictionary iteration).
        var localIndex: [String: Int] = [:]
        var uniqueTerms: [String] = []
        var frequencies: [Int32] = []
        for term in terms {
            if let position = localIndex[term] {
                frequencies[position] += 1
            } else {
                localIndex[term] = uniqueTerms.count
                uniqueTerms.append(term)
                frequencies.append(1)
            }
        }

        let slot = allocateSlot()
        let slotIndex = Int(slot)
        var chunkTermIDs: [Int32] = []
        chunkTermIDs.reserveCapacity(uniqueTerms.count)
        for (term, frequency) in zip(uniqueTerms, frequencies) {
            let termID = termID(for: term)
            if postings[Int(termID)].isEmpty { nonEmptyTermCount += 1 }
            postings[Int(termID)].append(Posting(slot: slot, frequency: frequency))
            chunkTermIDs.append(termID)
        }
        slotByID[chunk.id] = slot
        slotIDs[slotIndex] = chunk.id
        slotLengths[slotIndex] = Int32(terms.count)
        slotMetadata[slotIndex] = chunk.metadata
        slotTerms[slotIndex] = chunkTermIDs
        totalLength += terms.count
    }

    /// Adds chunks in order, each replacing any chunk with the same id.
    public mutating func upsert(contentsOf chunks: some Sequence<Chunk>) {
        for chunk in chunks { upsert(chunk) }
    }

    /// Removes the chunk with this id.
    ///
    /// - Returns: Whether a chunk was removed.
    @discardableResult
    public mutating func remove(id: String) -> Bool {
        guard let slot = slotByID.removeValue(forKey: id) else { return false }
        let slotIndex = Int(slot)
        for termID in slotTerms[slotIndex] {
            let listIndex = Int(termID)
            if let position = postings[listIndex].firstIndex(where: { $0.slot == slot }) {
                postings[listIndex].swapAt(position, postings[listIndex].count - 1)
                postings[listIndex].removeLast()
                if postings[listIndex].isEmpty { nonEmptyTermCount -= 1 }
            }
        }
        totalLength -= Int(slotLengths[slotIndex])
        slotIDs[slotIndex] = nil
        slotLengths[slotIndex] = 0
        slotMetadata[slotIndex] = [:]
        slotTerms[slotIndex] = []
        freeSlots.append(slot)
        return true
    }

    private mutating func allocateSlot() -> Int32 {
        if let slot = freeSlots.popLast() { return slot }
        let slot = Int32(slotIDs.count)
        slotIDs.append(nil)
        slotLengths.append(0)
        slotMetadata.append([:])
        slotTerms.append([])
        return slot
    }

    private mutating func termID(for term: String) -> Int32 {
        if let existing = termIDs[term] { return existing }
        let termID = Int32(postings.count)
        termIDs[term] = termID
        postings.append([])
        return termID
    }

    // MARK: - Searching

    /// Returns the `k` best chunks for a free-text query.
    ///
    /// The query goes through the index's analyzer; a term repeated in the query counts once
    /// per occurrence (as in Lucene's bag-of-words queries). Chunks that contain no query term
    /// are never returned, so fewer than `k` hits may come back.
    ///
    /// - Parameters:
    ///   - query: Free text.
    ///   - k: The maximum number of hits.
    ///   - filter: Only chunks whose metadata matches are considered.
    /// - Returns: Hits by descending score, ties by ascending id, ranked from 1.
    public func search(_ query: String, k: Int, filter: MetadataFilter? = nil) -> [SearchHit] {
        search(terms: analyzer.analyze(query), k: k, filter: filter)
    }

    /// Returns the `k` best chunks for already analysed query terms.
    ///
    /// - Parameters:
    ///   - terms: Analysed terms, repetitions counted.
    ///   - k: The maximum number of hits.
    ///   - filter: Only chunks whose metadata matches are considered.
    /// - Returns: Hits by descending score, ties by ascending id, ranked from 1.
    public func search(terms: [String], k: Int, filter: MetadataFilter? = nil) -> [SearchHit] {
        guard k > 0, count > 0 else { return [] }

        // Distinct known terms with their query frequency, in first-occurrence order.
        var queryTerms: [(termID: Int32, count: Double)] = []
        var positionByTermID: [Int32: Int] = [:]
        for term in terms {
            guard let termID = termIDs[term], !postings[Int(termID)].isEmpty else { continue }
            if let position = positionByTermID[termID] {
                queryTerms[position].count += 1
            } else {
                positionByTermID[termID] = queryTerms.count
                queryTerms.append((termID, 1))
            }
        }
        guard !queryTerms.isEmpty else { return [] }

        let documentCount = count
        let averageLength = Double(totalLength) / Double(documentCount)
        let parameters = parameters
        var scores = [Double](repeating: 0, count: slotIDs.count)
        var touched: [Int32] = []

        // Term-at-a-time accumulation; every contribution is positive, so a zero score marks
        // a chunk not seen yet.
        for (termID, queryCount) in queryTerms {
            let list = postings[Int(termID)]
            let weight = queryCount * parameters.idf(documentFrequency: list.count, documentCount: documentCount)
            slotLengths.withUnsafeBufferPointer { lengths in
                for posting in list {
                    let slot = Int(posting.slot)
                    if scores[slot] == 0 { touched.append(posting.slot) }
                    scores[slot] += parameters.termScore(idf: weight, termFrequency: Double(posting.frequency),
                                                         documentLength: Double(lengths[slot]),
                                                         averageDocumentLength: averageLength)
                }
            }
        }

        var collector = TopKCollector(k: k)
        for slot in touched {
            let slotIndex = Int(slot)
            if let filter, !filter.matches(slotMetadata[slotIndex]) { continue }
            guard let id = slotIDs[slotIndex] else { continue }
            collector.offer(score: scores[slotIndex], id: id)
        }
        return collector.hits()
    }
}

/// Collection statistics of a ``BM25Index``.
public struct BM25Statistics: Sendable, Hashable {
    /// The number of indexed chunks, `N`.
    public var documentCount: Int
    /// The sum of all chunk lengths in analysed terms (Lucene's `sumTotalTermFreq`).
    public var totalLength: Int
    /// The number of distinct terms that occur in at least one chunk.
    public var vocabularySize: Int

    /// The mean chunk length `avgdl`, or 0 for an empty index.
    public var averageDocumentLength: Double {
        documentCount > 0 ? Double(totalLength) / Double(documentCount) : 0
    }

    /// Creates statistics.
    public init(documentCount: Int, totalLength: Int, vocabularySize: Int) {
        self.documentCount = documentCount
        self.totalLength = totalLength
        self.vocabularySize = vocabularySize
    }
}
