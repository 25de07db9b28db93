/// The single error type thrown by the engine. `kind` says which stage failed;
/// `message` names the model section, line, policy row or function involved.
public struct CasbinError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stage that rejected the input.
    public enum Kind: String, Sendable {
        /// Malformed model file: sections, keys, definitions, effect.
        case model
        /// Malformed policy file or rule.
        case policy
        /// Matcher or `eval()` rule text that does not tokenize or parse.
        case syntax
        /// Call of a function that is neither built in nor a role definition.
        case unknownFunction
        /// A function called with the wrong number of arguments.
        case arity
        /// Failure while evaluating a matcher (unknown name, type mismatch, …).
        case evaluation
        /// Request that does not fit the request definition or enforce context.
        case request
        /// A file could not be read.
        case io
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue) error: \(message)" }

    /// The same error with `context` prepended to the message.
    func prefixed(_ context: String) -> CasbinError {
        CasbinError(kind, "\(context): \(message)")
    }
}
