/// A string-keyed map that remembers insertion order: the members of a ``JSONValue`` object.
///
/// Member order matters where a document's order carries meaning (Flagsmith evaluates
/// segments in document order, which decides both the order of matched segments and which
/// of two equal-priority overrides wins) and where text is written in a fixed order (the
/// Lab's reports). Assigning to an existing key replaces its value but keeps its position,
/// like a Python `dict`.
public struct OrderedMap<Value> {
    /// The keys, in insertion order.
    public private(set) var keys: [String] = []
    private var storage: [String: Value] = [:]

    /// Creates an empty map.
    public init() {}

    /// Creates a map from key-value pairs; a repeated key keeps its first
    /// position and its last value.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, Value) {
        for (key, value) in pairs {
            self[key] = value
        }
    }

    /// Creates a map from a dictionary, ordered by key (Unicode scalar order): a dictionary
    /// has no order of its own, and this keeps everything built from one deterministic.
    public init(sortingKeysOf dictionary: [String: Value]) {
        for key in dictionary.keys.sorted(by: String.scalarOrder) {
            self[key] = dictionary[key]
        }
    }

    /// The entries as a dictionary (order dropped).
    public var dictionary: [String: Value] { storage }

    /// The value stored under `key`; assigning `nil` removes the key.
    public subscript(key: String) -> Value? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil {
                    keys.append(key)
                }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// The values, in key order.
    public var values: [Value] { keys.compactMap { storage[$0] } }

    /// The number of entries.
    public var count: Int { keys.count }

    /// Whether the map has no entries.
    public var isEmpty: Bool { keys.isEmpty }

    /// Returns a map with the same keys, in the same order, and transformed values.
    public func mapValues<T>(_ transform: (Value) throws -> T) rethrows -> OrderedMap<T> {
        var result = OrderedMap<T>()
        for (key, value) in self {
            result[key] = try transform(value)
        }
        return result
    }
}

extension OrderedMap: Sequence {
    /// Iterates `(key, value)` pairs in insertion order.
    public struct Iterator: IteratorProtocol {
        fileprivate var keys: IndexingIterator<[String]>
        fileprivate let storage: [String: Value]

        public mutating func next() -> (key: String, value: Value)? {
            while let key = keys.next() {
                if let value = storage[key] {
                    return (key, value)
                }
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(keys: keys.makeIterator(), storage: storage)
    }
}

extension OrderedMap: ExpressibleByDictionaryLiteral {
    /// Creates a map whose order is the order of the literal.
    public init(dictionaryLiteral elements: (String, Value)...) {
        self.init(elements)
    }
}

extension OrderedMap: Sendable where Value: Sendable {}

/// Two ordered maps are equal when they hold the same entries in the same order.
extension OrderedMap: Equatable where Value: Equatable {
    public static func == (lhs: OrderedMap, rhs: OrderedMap) -> Bool {
        lhs.keys == rhs.keys && lhs.storage == rhs.storage
    }
}
