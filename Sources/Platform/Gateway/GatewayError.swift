import Base
/// Why the gateway could not answer a call, as one value that knows its HTTP status and
/// its OpenAI-style body, so every client library maps it to the right exception.
public struct GatewayError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The kinds of failure, used as the `code` field and as the `kind` label in metrics.
    public enum Kind: String, CaseIterable, Sendable, Comparable {
        case invalidAPIKey = "invalid_api_key"
        case tenantSuspended = "tenant_suspended"
        case invalidRequest = "invalid_request"
        case requestTooLarge = "request_too_large"
        case unknownURL = "unknown_url"
        case modelNotFound = "model_not_found"
        /// The virtual key is limited to other model aliases.
        case modelNotAllowed = "model_not_allowed"
        case providerNotConfigured = "provider_not_configured"
        case egressDenied = "egress_denied"
        case rateLimited = "rate_limited"
        case serverError = "server_error"
        case unavailable = "unavailable"
        case timeout = "timeout"
        case upstreamAuth = "upstream_auth_failed"
        case upstreamBadResponse = "upstream_bad_response"
        case upstreamRejected = "upstream_rejected"
        case connectionFailed = "connection_failed"
        /// The client went away mid-stream (recorded, never sent: there is no one to send it to).
        case clientClosed = "client_closed_request"

        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }

        /// OpenAI's `type` field for this kind.
        var type: String {
            switch self {
            case .invalidAPIKey: return "authentication_error"
            case .tenantSuspended: return "permission_error"
            case .invalidRequest, .requestTooLarge, .unknownURL, .modelNotFound, .providerNotConfigured, .upstreamRejected:
                return "invalid_request_error"
            case .egressDenied, .modelNotAllowed: return "permission_error"
            case .rateLimited: return "rate_limit_error"
            case .serverError, .unavailable, .timeout, .upstreamAuth, .upstreamBadResponse, .connectionFailed, .clientClosed: return "api_error"
            }
        }
    }

    public var kind: Kind
    public var status: Int
    public var message: String
    public var param: String?
    /// For 429s: how long the client should wait, passed on as `retry-after`.
    public var retryAfter: Nanoseconds?

    public init(_ kind: Kind, status: Int, message: String, param: String? = nil, retryAfter: Nanoseconds? = nil) {
        self.kind = kind; self.status = status; self.message = message; self.param = param; self.retryAfter = retryAfter
    }

    public var description: String { "\(status) \(kind.rawValue): \(message)" }

    /// The OpenAI-style error body.
    public var body: OpenAIErrorBody {
        OpenAIErrorBody(error: .init(message: message, type: kind.type, param: param, code: kind.rawValue))
    }

    /// `retry-after` in whole seconds (rounded up), when set.
    public var retryAfterSeconds: Int? {
        retryAfter.map { Int(($0.value + 999_999_999) / 1_000_000_000) }
    }
}
