/// A condition on a chunk's string metadata, applied by every index before top-k selection.
///
/// A chunk that lacks the field never matches `equals` or `oneOf`; `all([])` matches
/// everything.
///
/// ```swift
/// let filter = MetadataFilter.all([
///     .equals(field: "lang", value: "en"),
///     .oneOf(field: "source", values: ["pubmed", "pmc"]),
/// ])
/// filter.matches(["lang": "en", "source": "pmc"])  // true
/// ```
public indirect enum MetadataFilter: Sendable, Hashable {
    /// The field is present and equal to `value` (exact, case-sensitive comparison).
    case equals(field: String, value: String)
    /// The field is present and its value is one of `values` (an "in" list).
    case oneOf(field: String, values: Set<String>)
    /// Every filter matches (a conjunction).
    case all([MetadataFilter])

    /// Whether `metadata` satisfies the filter.
    public func matches(_ metadata: [String: String]) -> Bool {
        switch self {
        case let .equals(field, value):
            return metadata[field] == value
        case let .oneOf(field, values):
            guard let actual = metadata[field] else { return false }
            return values.contains(actual)
        case let .all(filters):
            return filters.allSatisfy { $0.matches(metadata) }
        }
    }
}
