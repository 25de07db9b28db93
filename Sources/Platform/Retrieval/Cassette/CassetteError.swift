/// Why an embedding cassette or its `.npy` file could not be read, or a lookup failed.
public struct CassetteError: Error, Hashable, CustomStringConvertible {
    /// A stable identifier of the kind of error; compare errors by their code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A file could not be read.
        public static let unreadableFile = Code("unreadableFile")
        /// The `.npy` bytes are not a valid NumPy file (bad magic, truncated, bad header).
        public static let malformedNpy = Code("malformedNpy")
        /// The `.npy` file is valid but not `<f4`, C-order, 2-D, version 1.0 or 2.0.
        public static let unsupportedNpy = Code("unsupportedNpy")
        /// A line of `index.jsonl` is not a valid entry.
        public static let malformedIndex = Code("malformedIndex")
        /// `index.jsonl` and `vectors.npy` disagree (row count, row numbers, duplicates).
        public static let inconsistent = Code("inconsistent")
        /// No embedding was recorded for the text asked for.
        public static let miss = Code("miss")
    }

    /// The kind of error.
    public var code: Code
    /// What went wrong and where, for people.
    public var message: String

    /// Creates an error.
    public init(code: Code, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "CassetteError.\(code): \(message)" }

    /// Errors are equal when their codes are; the message is for people.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
