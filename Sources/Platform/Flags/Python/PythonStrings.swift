import Base

// Python compares and searches `str` by code point; Swift's `String`
// operations follow canonical equivalence instead, so the engine uses these.

extension String {
    /// Equality by Unicode scalar values, as Python compares `str`
    /// (Swift's `==` also equates canonically equivalent strings).
    func scalarsEqual(_ other: String) -> Bool {
        unicodeScalars.elementsEqual(other.unicodeScalars)
    }

    /// Python's `needle in self`: substring search over Unicode scalars.
    func containsScalars(_ needle: String) -> Bool {
        let haystack = Array(unicodeScalars)
        let pattern = Array(needle.unicodeScalars)
        guard pattern.count <= haystack.count else { return false }
        return (0...(haystack.count - pattern.count)).contains { start in
            haystack[start..<(start + pattern.count)].elementsEqual(pattern)
        }
    }
}

/// A string ordered by Unicode scalar values, as Python orders `str`.
struct CodePoints: Comparable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: CodePoints, rhs: CodePoints) -> Bool { lhs.text.scalarsEqual(rhs.text) }
    static func < (lhs: CodePoints, rhs: CodePoints) -> Bool { String.scalarOrder(lhs.text, rhs.text) }
}
