/// Exact (brute-force) cosine-similarity search over float32 vectors.
///
/// Vectors are L2-normalised when inserted and stored back to back in one contiguous `[Float]`,
/// so a search is one pass of dot products over memory in order. Every stored vector is
/// compared with the query: results are exact, with the same ordering rules as every other
/// index (score descending, then id ascending) and the same ``MetadataFilter``s.
///
/// ```swift
/// var index = VectorIndex(dimension: 3)
/// try index.upsert(id: "a", vector: [1, 0, 0], metadata: ["lang": "en"])
/// try index.upsert(id: "b", vector: [1, 1, 0])
/// let hits = try index.search([2, 1, 0], k: 1)  // "b", score ≈ 0.949
/// ```
///
/// Brute force is the right tool up to a few hundred thousand vectors; past that, an
/// approximate index should sit behind the same interface.
public struct VectorIndex: Sendable {
    /// The number of components of every vector.
    public let dimension: Int

    private var storage: [Float] = []  // row i = slot i, `dimension` floats each
    private var ids: [String] = []
    private var metadata: [[String: String]] = []
    private var slotByID: [String: Int] = [:]

    /// Creates an empty index for vectors of `dimension` components.
    public init(dimension: Int) {
        precondition(dimension > 0, "VectorIndex dimension must be positive, got \(dimension)")
        self.dimension = dimension
    }

    /// The number of stored vectors.
    public var count: Int { ids.count }

    /// Whether a vector with this id is stored.
    public func contains(id: String) -> Bool { slotByID[id] != nil }

    /// The stored (normalised) vector for `id`.
    public func vector(for id: String) -> [Float]? {
        guard let slot = slotByID[id] else { return nil }
        return Array(storage[slot * dimension ..< (slot + 1) * dimension])
    }

    // MARK: - Updating

    /// Stores a vector under `id`, replacing any vector with that id. The vector is
    /// normalised to unit length first.
    ///
    /// - Throws: ``VectorIndexError`` when the vector has the wrong dimension, a non-finite
    ///   component, or zero length.
    public mutating func upsert(id: String, vector: [Float], metadata chunkMetadata: [String: String] = [:]) throws {
        let normalised = try Self.normalised(vector, dimension: dimension)
        if let slot = slotByID[id] {
            storage.replaceSubrange(slot * dimension ..< (slot + 1) * dimension, with: normalised)
            metadata[slot] = chunkMetadata
            return
        }
        slotByID[id] = ids.count
        ids.append(id)
        metadata.append(chunkMetadata)
        storage.append(contentsOf: normalised)
    }

    /// Removes the vector stored under `id` (the last row moves into its place).
    ///
    /// - Returns: Whether a vector was removed.
    @discardableResult
    public mutating func remove(id: String) -> Bool {
        guard let slot = slotByID.removeValue(forKey: id) else { return false }
        let last = ids.count - 1
        if slot != last {
            let lastRow = Array(storage[last * dimension ..< (last + 1) * dimension])
            storage.replaceSubrange(slot * dimension ..< (slot + 1) * dimension, with: lastRow)
            ids[slot] = ids[last]
            metadata[slot] = metadata[last]
            slotByID[ids[slot]] = slot
        }
        storage.removeLast(dimension)
        ids.removeLast()
        metadata.removeLast()
        return true
    }

    // MARK: - Searching

    /// Returns the `k` stored vectors most cosine-similar to `query`.
    ///
    /// - Parameters:
    ///   - query: A vector of ``dimension`` components; it need not be normalised.
    ///   - k: The maximum number of hits.
    ///   - filter: Only vectors whose metadata matches are considered.
    /// - Returns: Hits with cosine similarity as score, descending, ties by ascending id.
    /// - Throws: ``VectorIndexError`` when the query has the wrong dimension, a non-finite
    ///   component, or zero length.
    public func search(_ query: [Float], k: Int, filter: MetadataFilter? = nil) throws -> [SearchHit] {
        let normalisedQuery = try Self.normalised(query, dimension: dimension)
        guard k > 0, count > 0 else { return [] }
        var collector = TopKCollector(k: k)
        let dimension = dimension
        normalisedQuery.withUnsafeBufferPointer { queryBuffer in
            storage.withUnsafeBufferPointer { rows in
                for slot in 0..<ids.count {
                    if let filter, !filter.matches(metadata[slot]) { continue }
                    let row = UnsafeBufferPointer(rebasing: rows[slot * dimension ..< (slot + 1) * dimension])
                    let score = Double(Self.dot(queryBuffer, row))
                    collector.offer(score: score, id: ids[slot])
                }
            }
        }
        return collector.hits()
    }

    // MARK: - Arithmetic

    /// The dot product of two equally long buffers, with four eight-lane accumulators.
    ///
    /// Multiply and add are kept separate: `addingProduct` asks for a fused multiply-add,
    /// which on x86-64 without FMA in the target (Swift's default) becomes a library call
    /// per lane — about ten times slower than the vector multiply and add.
    static func dot(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        let count = min(a.count, b.count)
        guard let pa = a.baseAddress, let pb = b.baseAddress else { return 0 }
        let rawA = UnsafeRawPointer(pa)
        let rawB = UnsafeRawPointer(pb)
        let stride = MemoryLayout<Float>.stride
        var s0 = SIMD8<Float>(), s1 = SIMD8<Float>(), s2 = SIMD8<Float>(), s3 = SIMD8<Float>()
        var index = 0
        while index + 32 <= count {
            let o = index * stride
            s0 += rawA.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * rawB.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            s1 += rawA.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self) * rawB.loadUnaligned(fromByteOffset: o + 32, as: SIMD8<Float>.self)
            s2 += rawA.loadUnaligned(fromByteOffset: o + 64, as: SIMD8<Float>.self) * rawB.loadUnaligned(fromByteOffset: o + 64, as: SIMD8<Float>.self)
            s3 += rawA.loadUnaligned(fromByteOffset: o + 96, as: SIMD8<Float>.self) * rawB.loadUnaligned(fromByteOffset: o + 96, as: SIMD8<Float>.self)
            index += 32
        }
        while index + 8 <= count {
            let o = index * stride
            s0 += rawA.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self) * rawB.loadUnaligned(fromByteOffset: o, as: SIMD8<Float>.self)
            index += 8
        }
        var sum = ((s0 + s1) + (s2 + s3)).sum()
        while index < count {
            sum += pa[index] * pb[index]
            index += 1
        }
        return sum
    }

    /// Checks a vector and scales it to unit length.
    static func normalised(_ vector: [Float], dimension: Int) throws -> [Float] {
        guard vector.count == dimension else {
            throw VectorIndexError.dimensionMismatch(expected: dimension, actual: vector.count)
        }
        var squares: Double = 0
        for (index, component) in vector.enumerated() {
            guard component.isFinite else { throw VectorIndexError.nonFiniteComponent(index: index) }
            squares += Double(component) * Double(component)
        }
        guard squares > 0 else { throw VectorIndexError.zeroVector }
        let scale = Float(1 / squares.squareRoot())
        return vector.map { $0 * scale }
    }
}
