/// Why an evaluation data set could not be loaded.
public struct DatasetError: Error, Hashable, CustomStringConvertible {
    /// A stable identifier of the kind of error; compare errors by their code.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// A file could not be read.
        public static let unreadableFile = Code("unreadableFile")
        /// A line is not in the expected format.
        public static let malformedLine = Code("malformedLine")
        /// Two records share an id.
        public static let duplicateID = Code("duplicateID")
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

    public var description: String { "DatasetError.\(code): \(message)" }

    /// Errors are equal when their codes are; the message is for people.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}
