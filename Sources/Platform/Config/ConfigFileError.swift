/// A problem in a scenario file (or a file it references), located by line and column.
///
/// Prints as `path:line:column: message`, the form editors and CI annotate.
public struct ConfigFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String

    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file; self.line = line; self.column = column; self.message = message
    }

    public var description: String { "\(file):\(line):\(column): \(message)" }
}
