import Testing
@testable import Retrieval

@Suite struct VectorIndexTests {
    @Test func ranksByCosineSimilarity() throws {
        var index = VectorIndex(dimension: 3)
        try index.upsert(id: "x", vector: [1, 0, 0])
        try index.upsert(id: "xy", vector: [1, 1, 0])
        try index.upsert(id: "z", vector: [0, 0, 5])
        let hits = try index.search([2, 1, 0], k: 3)
        #expect(hits.map(\.id) == ["xy", "x", "z"])
        #expect(abs(hits[0].score - 3 / (2.0.squareRoot() * 5.0.squareRoot())) < 1e-6)
        #expect(abs(hits[1].score - 2 / 5.0.squareRoot()) < 1e-6)
        #expect(abs(hits[2].score) < 1e-7)
        #expect(hits.map(\.rank) == [1, 2, 3])
    }

    @Test func normalisesAtInsert() throws {
        var index = VectorIndex(dimension: 2)
        try index.upsert(id: "a", vector: [3, 4])
        let stored = try #require(index.vector(for: "a"))
        #expect(abs(stored[0] - 0.6) < 1e-7 && abs(stored[1] - 0.8) < 1e-7)
        #expect(abs(try index.search([30, 40], k: 1)[0].score - 1) < 1e-6)
    }

    @Test func breaksTiesByIDAndLimitsToK() throws {
        var index = VectorIndex(dimension: 2)
        for id in ["d", "b", "a", "c"] { try index.upsert(id: id, vector: [1, 1]) }
        try index.upsert(id: "best", vector: [1, 0])
        #expect(try index.search([1, 0], k: 3).map(\.id) == ["best", "a", "b"])
        #expect(try index.search([1, 0], k: 0).isEmpty)
    }

    /// The SIMD loop and its scalar tail agree with a plain sum for lengths around the lane width.
    @Test(arguments: [1, 7, 8, 9, 16, 17, 384])
    func dotProductHandlesAnyLength(length: Int) {
        let a = (0..<length).map { Float($0 % 7) - 3 }
        let b = (0..<length).map { Float($0 % 5) * 0.5 }
        let expected = zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 }
        let actual = a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in VectorIndex.dot(pa, pb) } }
        #expect(abs(actual - expected) < 1e-3)
    }

    @Test func replacesAndRemovesByID() throws {
        var index = VectorIndex(dimension: 2)
        try index.upsert(id: "a", vector: [1, 0])
        try index.upsert(id: "b", vector: [0, 1])
        try index.upsert(id: "c", vector: [-1, 0])
        try index.upsert(id: "a", vector: [0, -1])  // replace
        #expect(index.count == 3)
        #expect(try index.search([0, -1], k: 1).first?.id == "a")
        let removedOnce = index.remove(id: "a")
        let removedTwice = index.remove(id: "a")
        #expect(removedOnce && !removedTwice)
        #expect(index.count == 2)
        // The last row moved into the removed slot and is still found under its own id.
        #expect(try index.search([-1, 0], k: 1).first?.id == "c")
        #expect(index.vector(for: "c") == [-1, 0])
        #expect(index.vector(for: "a") == nil)
    }

    @Test func filtersOnMetadata() throws {
        var index = VectorIndex(dimension: 2)
        try index.upsert(id: "en", vector: [1, 0], metadata: ["lang": "en"])
        try index.upsert(id: "de", vector: [1, 0.1], metadata: ["lang": "de"])
        try index.upsert(id: "none", vector: [1, 0.2])
        #expect(try index.search([1, 0], k: 5, filter: .equals(field: "lang", value: "de")).map(\.id) == ["de"])
        #expect(try index.search([1, 0], k: 5, filter: .oneOf(field: "lang", values: ["de", "en"])).map(\.id) == ["en", "de"])
    }

    @Test func rejectsBadVectors() throws {
        var index = VectorIndex(dimension: 3)
        #expect(throws: VectorIndexError.dimensionMismatch(expected: 3, actual: 2)) {
            try index.upsert(id: "a", vector: [1, 2])
        }
        #expect(throws: VectorIndexError.nonFiniteComponent(index: 1)) {
            try index.upsert(id: "a", vector: [1, .nan, 0])
        }
        #expect(throws: VectorIndexError.zeroVector) {
            try index.upsert(id: "a", vector: [0, 0, 0])
        }
        #expect(throws: VectorIndexError.dimensionMismatch(expected: 3, actual: 4)) {
            try index.search([1, 2, 3, 4], k: 1)
        }
        #expect(index.count == 0)
    }
}
