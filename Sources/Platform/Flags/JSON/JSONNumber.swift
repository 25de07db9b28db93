import Base

/// A JSON number that remembers whether it was written as an integer.
///
/// Weights and priorities use it so that a weight of `30` is reported as
/// `"SPLIT; weight=30"` and `30.0` as `"SPLIT; weight=30.0"`, as in Python.
public enum JSONNumber: Sendable, Equatable {
    case int(Int)
    case double(Double)

    /// The number as a `Double`, for arithmetic and ordering.
    public var doubleValue: Double {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        }
    }

    /// The number as a JSON value.
    public var json: JSONValue {
        switch self {
        case .int(let value): .int(value)
        case .double(let value): .double(value)
        }
    }

    /// The number of a JSON value, or `nil` when the value is not a number.
    public init?(_ json: JSONValue) {
        switch json {
        case .int(let value): self = .int(value)
        case .double(let value): self = .double(value)
        default: return nil
        }
    }
}
