import Mocks
import Config
import Flags
import Base
import Gateway

/// A scenario: the platform, tenants, mock providers, traffic, scripted steps and the
/// expectations a Lab run checks. Loaded from YAML by ``ScenarioLoader``; the format is
/// documented in `Docs/scenarios.md`.
public struct Scenario: Sendable {
    public var name: String
    public var description: String
    public var file: String
    /// SHA-256 of the scenario file and every file it references, in order.
    public var sourceHash: String
    public var seed: UInt64
    public var duration: Nanoseconds
    public var wire: MockProvider.Wire
    public var buckets: Int
    public var platform: PlatformSpec
    public var providers: [MockProviderProfile]
    public var tenants: [TenantSpec]
    public var traffic: [TrafficSpec]
    public var steps: [Step]
    public var expectations: [Expectation]
    /// The platform's feature flags (`flags:`), if the scenario declares any.
    public var flags: FlagDefinitions?
    /// The usage ledger and its reconciliation (`usage:`), if the scenario turns them on.
    public var usage: UsageSpec?
    /// A corpus and questions for grounded answers (`rag:`).
    public var rag: RAGSpec?

    /// The usage ledger: each replica's write-ahead journal (the live server's journal code
    /// on a simulated disk), its flushes into the ledger, reconciliation, and the faults.
    public struct UsageSpec: Sendable {
        /// Reconciliation period (also run at the end and when a replica starts).
        public var reconcileEvery: Nanoseconds
        /// How often each replica flushes its journal into the ledger (live: every second).
        public var flushEvery: Nanoseconds
        /// Fraction of ledger writes that fail (the tenant database does not answer): the
        /// entries stay in the journal and go again with the next flush.
        public var ledgerFailures: Double
        /// How long a journal write and its fsync take.
        public var fsync: Nanoseconds
        /// Fraction of journal writes that fail (an I/O error): retried, then given up.
        public var writeErrors: Double
        /// Replica crashes at seeded random times: in-flight calls and unsynced journal
        /// writes are lost (a random prefix survives, possibly torn), then the replica
        /// restarts from its disk after `restartAfter`.
        public var crashes: Int
        public var restartAfter: Nanoseconds

        public init(reconcileEvery: Nanoseconds, flushEvery: Nanoseconds = .seconds(1), ledgerFailures: Double = 0,
                    fsync: Nanoseconds = .milliseconds(2), writeErrors: Double = 0, crashes: Int = 0, restartAfter: Nanoseconds = .seconds(1)) {
            self.reconcileEvery = reconcileEvery; self.flushEvery = flushEvery; self.ledgerFailures = ledgerFailures
            self.fsync = fsync; self.writeErrors = writeErrors; self.crashes = crashes; self.restartAfter = restartAfter
        }
    }

    /// Whether any step acts on the Platform API, or the scenario asks questions of a
    /// corpus (`rag:`), which goes through it: the Lab then starts one for the run.
    public var usesPlatformAPI: Bool { rag != nil || steps.contains { if case .platform = $0.action { true } else { false } } }





    /// One prompt of a prompt set.
    public struct Prompt: Sendable, Hashable {
        public var id: String
        public var system: String?
        public var context: [String]
        public var question: String?
        public var user: String?
        public var answer: String?

        /// The chat messages the Lab sends for this prompt: passages as `[n] …` lines and
        /// the question after `Question:`, the way RAG prompts are usually built.
        public var messages: [ChatMessage] {
            var out: [ChatMessage] = []
            if let s = system { out.append(ChatMessage(role: "system", content: s)) }
            var text = ""
            if !context.isEmpty {
                text += "Context:\n" + context.enumerated().map { "[\($0 + 1)] \($1)" }.joined(separator: "\n") + "\n\n"
            }
            if let q = question { text += "Question: \(q)" }
            if let u = user { text += (text.isEmpty ? "" : "\n\n") + u }
            out.append(ChatMessage(role: "user", content: text))
            return out
        }
    }

    public struct TrafficSpec: Sendable {
        public var tenant: String
        public var key: String?
        public var arrival: ArrivalProcess
        /// Model aliases with weights.
        public var models: [(alias: String, weight: Double)]
        public var prompts: [Prompt]
        public var streamFraction: Double
        /// The share of streamed calls whose client hangs up after the first chunks.
        public var abortFraction: Double = 0
        public var maxTokens: Int?
        public var from: Instant
        public var until: Instant?
        public var label: String
    }

    public struct Step: Sendable {
        public var at: Instant
        public var action: Action
        public var line: Int

        public enum Action: Sendable {
            case switchProvider(tenant: String, alias: String, to: ProviderKind)
            case outage(provider: String, duration: Nanoseconds, failure: MockProviderProfile.Failure)
            case setKey(tenant: String, provider: ProviderKind, key: String, valid: Bool)
            case addTenant(TenantSpec)
            case allowlistAdd(String)
            case allowlistRemove(String)
            case suspendTenant(String)
            case resumeTenant(String)
            /// A Platform API action (sign-in, tenant creation, calls and checks).
            case platform(PlatformAction)
            /// Sets a flag's platform default (no tenant) or a tenant's override; with a nil
            /// state, removes the tenant's override.
            case setFlag(feature: String, tenant: String?, state: FlagState?)
            /// Sets (or, with nil, removes) a feature's rollout percentage.
            case setRollout(feature: String, percent: Double?)
            /// Restarts the gateway: its in-memory counters, budgets' spend and rate-limit state
            /// are lost; the journal survives and the ledger is reconciled at start-up.
            case restartGateway
            /// A replica dies at once (no graceful shutdown) and restarts from its disk.
            case crashGateway(replica: Int)
        }

        public var description: String {
            switch action {
            case .switchProvider(let t, let a, let p): return "switch \(t)/\(a) to \(p.rawValue)"
            case .outage(let p, let d, let f): return "outage of \(p) for \(d) (\(f.rawValue))"
            case .setKey(let t, let p, _, let valid): return "set \(t)'s \(p.rawValue) key (\(valid ? "valid" : "invalid") key)"
            case .addTenant(let t): return "add tenant \(t.id)"
            case .allowlistAdd(let h): return "allowlist add \(h)"
            case .allowlistRemove(let h): return "allowlist remove \(h)"
            case .suspendTenant(let t): return "suspend tenant \(t)"
            case .resumeTenant(let t): return "resume tenant \(t)"
            case .platform(let a): return a.description
            case .setFlag(let f, let t, let state):
                let what = state.map { $0.enabled ? "on" : "off" } ?? "back to the platform's value"
                return t.map { "flag \(f) \(what) for \($0)" } ?? "flag \(f) \(what) by default"
            case .restartGateway: return "restart the gateway (in-memory counters lost)"
            case .crashGateway(let r): return "crash gateway replica \(r)"
            case .setRollout(let f, let p): return p.map { "roll \(f) out to \(Expectation.trim($0))% of tenants" } ?? "stop the rollout of \(f)"
            }
        }
    }
}
