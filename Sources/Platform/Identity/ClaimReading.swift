import Base
import Foundation

/// Typed access to claims; a present claim of the wrong JSON type is a `malformed` token.
/// A `nil` claim name (a mapping entry switched off) reads as an absent claim.
extension [String: JSONValue] {
    /// The string claim `name`; `nil` if absent or `null`.
    func string(claim name: String?) throws(TokenValidationError) -> String? {
        guard let name else { return nil }
        switch self[name] {
        case .none, .null?: return nil
        case .string(let value)?: return value
        default: throw TokenValidationError(.malformed, "claim \"\(name)\" is not a string")
        }
    }

    /// The claim `name` as a list of strings (a single string counts as a list of one);
    /// `nil` if absent or `null`.
    func strings(claim name: String?) throws(TokenValidationError) -> [String]? {
        guard let name else { return nil }
        switch self[name] {
        case .none, .null?: return nil
        case .string(let value)?: return [value]
        case .array(let elements)?:
            let strings = elements.compactMap(\.stringValue)
            guard strings.count == elements.count else { break }
            return strings
        default: break
        }
        throw TokenValidationError(.malformed, "claim \"\(name)\" is not a string or an array of strings")
    }

    /// The NumericDate claim `name` (seconds since 1970); `nil` if absent or `null`.
    func date(claim name: String?) throws(TokenValidationError) -> Date? {
        guard let name else { return nil }
        switch self[name] {
        case .none, .null?: return nil
        case let value?:
            guard let seconds = value.numberValue else {
                throw TokenValidationError(.malformed, "claim \"\(name)\" is not a number")
            }
            return Date(timeIntervalSince1970: seconds)
        }
    }
}

extension Array where Element: Hashable {
    /// The elements in their original order, each kept only at its first occurrence.
    func uniqued() -> [Element] {
        var seen = Set<Element>()
        return filter { seen.insert($0).inserted }
    }
}
