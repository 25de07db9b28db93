import Base
/// Something an operator should know about, raised by the platform but never blocking
/// (R1's guardrails and budgets are alert-only).
public struct Alert: Hashable, Sendable {
    /// Well-known kinds; the raw value is the `kind` label in metrics and reports.
    public struct Kind: RawRepresentable, Hashable, Sendable, Comparable, ExpressibleByStringLiteral {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }

        /// A provider endpoint off the egress allowlist was configured or called.
        public static let egressDenied: Kind = "egress_denied"
        /// A provider rejected the tenant's own key.
        public static let upstreamAuthFailed: Kind = "upstream_auth_failed"
        /// A call used a model with no price: its cost is recorded as zero.
        public static let unpricedModel: Kind = "unpriced_model"
    }

    public var kind: Kind
    public var at: Instant
    public var tenant: String?
    public var provider: ProviderKind?
    public var message: String

    public init(kind: Kind, at: Instant, tenant: String?, provider: ProviderKind?, message: String) {
        self.kind = kind; self.at = at; self.tenant = tenant; self.provider = provider; self.message = message
    }

    /// Alerts with the same key describe the same condition and are raised once.
    public var dedupKey: String {
        "\(kind.rawValue)|\(tenant ?? "")|\(provider?.rawValue ?? "")|\(message)"
    }
}
