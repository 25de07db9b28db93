import Base
import Flags
import Gateway

/// The `platform:` section of a serve file or a scenario.
public struct PlatformSpec: Sendable {
    public var allowlist: [String]
    public var pricing: PricingTable
    public var upstreamTimeout: Nanoseconds
    /// Gateway replicas behind a round-robin balancer, each a process with its own
    /// in-memory counters and budget spend.
    public var replicas: Int = 1
    /// `redis`: the replicas share one set of rate-limit counters; `local`: each its own.
    public var sharedCounters: Bool = false

    public init(allowlist: [String], pricing: PricingTable, upstreamTimeout: Nanoseconds, replicas: Int = 1, sharedCounters: Bool = false) {
        self.allowlist = allowlist; self.pricing = pricing; self.upstreamTimeout = upstreamTimeout
        self.replicas = replicas; self.sharedCounters = sharedCounters
    }
}
