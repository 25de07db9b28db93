/// Why a vector was rejected by a ``VectorIndex``.
public struct VectorIndexError: Error, Hashable, CustomStringConvertible {
    /// A stable identifier of the kind of error; compare errors by their code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The vector's length differs from the index's dimension.
        public static let dimensionMismatch = Code("dimensionMismatch")
        /// A component is NaN or infinite.
        public static let nonFiniteComponent = Code("nonFiniteComponent")
        /// Every component is zero, so there is no direction to compare.
        public static let zeroVector = Code("zeroVector")
    }

    /// The kind of error.
    public var code: Code
    /// What went wrong, for people.
    public var message: String

    public var description: String { "VectorIndexError.\(code): \(message)" }

    /// Errors are equal when their codes are; the message is for people.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    static func dimensionMismatch(expected: Int, actual: Int) -> Self {
        Self(code: .dimensionMismatch, message: "expected a vector of \(expected) components, got \(actual)")
    }

    static func nonFiniteComponent(index: Int) -> Self {
        Self(code: .nonFiniteComponent, message: "component \(index) is NaN or infinite")
    }

    static var zeroVector: Self {
        Self(code: .zeroVector, message: "the vector has zero length and cannot be normalised for cosine similarity")
    }
}
