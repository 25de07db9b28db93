import Base
/// The accounting record of one gateway call: every call produces exactly one,
/// whether it succeeded, failed upstream or was refused by the gateway.
public struct UsageRecord: Hashable, Sendable {
    /// Where the token counts came from.
    public enum UsageSource: String, Sendable {
        /// Reported by the provider in its response or final stream event.
        case reported
        /// The provider reported nothing (an error, a cut stream): no tokens are charged.
        case none
        /// A successful call without usage from the provider: estimated from the text
        /// (``TokenEstimate``), so the call is never silently free.
        case estimated
    }

    public var requestID: String
    public var tenant: String?
    public var keyID: String?
    public var modelAlias: String
    public var provider: ProviderKind?
    public var upstreamModel: String?
    public var stream: Bool
    /// HTTP status returned to the client.
    public var status: Int
    public var errorKind: GatewayError.Kind?
    public var promptTokens: Int
    public var completionTokens: Int
    public var costMicros: Int64
    public var usageSource: UsageSource
    public var startedAt: Instant
    public var latency: Nanoseconds
    /// Time to first token, for streams.
    public var timeToFirstToken: Nanoseconds?

    public var succeeded: Bool { status == 200 }

    public init(requestID: String, tenant: String?, keyID: String?, modelAlias: String, provider: ProviderKind?, upstreamModel: String?,
                stream: Bool, status: Int, errorKind: GatewayError.Kind?, promptTokens: Int, completionTokens: Int, costMicros: Int64,
                usageSource: UsageSource, startedAt: Instant, latency: Nanoseconds, timeToFirstToken: Nanoseconds?) {
        self.requestID = requestID; self.tenant = tenant; self.keyID = keyID; self.modelAlias = modelAlias; self.provider = provider
        self.upstreamModel = upstreamModel; self.stream = stream; self.status = status; self.errorKind = errorKind
        self.promptTokens = promptTokens; self.completionTokens = completionTokens; self.costMicros = costMicros
        self.usageSource = usageSource; self.startedAt = startedAt; self.latency = latency; self.timeToFirstToken = timeToFirstToken
    }
}
