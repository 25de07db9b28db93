/// The identity provider could not be used: discovery or key set retrieval failed.
///
/// Unlike ``TokenValidationError`` this says nothing about the token; the Platform API should
/// answer `503`, not `401`. Every case names the URL involved.
public enum IdentityProviderError: Error, Sendable, CustomStringConvertible {
    /// The ``HTTPFetcher`` threw. The underlying error is kept for logging but is not part of
    /// ``description``.
    case transportFailed(url: String, underlying: any Error)
    /// The provider answered with a status other than `200`.
    case unexpectedStatus(url: String, status: Int)
    /// The body is not a JSON object.
    case invalidJSON(url: String)
    /// A field is missing or has an unusable value.
    case invalidField(url: String, field: String, problem: String)
    /// The discovery document's `issuer` differs from the configured issuer.
    case issuerMismatch(url: String, expected: String, found: String)

    public var description: String {
        switch self {
        case .transportFailed(let url, let underlying):
            "could not fetch \(url): transport error (\(type(of: underlying)))"
        case .unexpectedStatus(let url, let status):
            "could not fetch \(url): HTTP status \(status)"
        case .invalidJSON(let url):
            "document at \(url) is not a JSON object"
        case .invalidField(let url, let field, let problem):
            "document at \(url): field \"\(field)\" \(problem)"
        case .issuerMismatch(let url, let expected, let found):
            "document at \(url): field \"issuer\" is \"\(found)\" but the configured issuer is \"\(expected)\""
        }
    }
}
