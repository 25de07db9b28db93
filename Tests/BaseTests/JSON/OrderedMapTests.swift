import Testing
@testable import Base

/// A JSON object's members: insertion order, Python `dict` assignment semantics.
@Suite struct OrderedMapTests {
    @Test func keepsInsertionOrderAndPositionOnReplace() {
        var map: OrderedMap<Int> = ["b": 1, "a": 2]
        map["c"] = 3
        map["b"] = 10
        #expect(map.keys == ["b", "a", "c"] && map.values == [10, 2, 3])
        map["a"] = nil
        #expect(map.keys == ["b", "c"] && map.count == 2)
        #expect(Array(map.mapValues { $0 * 2 }.values) == [20, 6])
    }

    @Test func ordersADictionaryByKey() {
        let map = OrderedMap(sortingKeysOf: ["b": 1, "a": 2, "é": 3, "Z": 4])
        #expect(map.keys == ["Z", "a", "b", "é"])
        #expect(map.dictionary == ["b": 1, "a": 2, "é": 3, "Z": 4])
    }

    /// Unlike the JSON objects they hold, two maps are equal only in the same order.
    @Test func equalityIncludesOrder() {
        #expect(OrderedMap([("a", 1), ("b", 2)]) != OrderedMap([("b", 2), ("a", 1)]))
        #expect(OrderedMap([("a", 1), ("b", 2), ("a", 3)]) == OrderedMap([("a", 3), ("b", 2)]))
    }
}
