import Base
import Foundation

/// One line of the usage journal: a finished call of a tenant, as the replica that
/// answered it recorded it.
///
/// Lines are JSON objects, one per line (`\n`), written by hand for speed and read back
/// with `JSONDecoder`. Instants are the driver's (nanoseconds since its epoch): the ledger
/// adapter of each driver turns them into dates.
///
/// ```json
/// {"v":2,"tenant":"acme","replica":"0","request_id":"chatcmpl-1","at_ns":1764547200000000000,"key_id":"app",…}
/// ```
///
/// Version 1 lines (`{"tenant": …, "entry": {…}}`, written before the journal recorded
/// replicas) are still read, so an upgrade never strands unflushed calls.
public struct JournalEntry: Hashable, Sendable {
    public var tenant: String
    /// The replica (process) that answered the call; reconciliation compares each
    /// replica's counters with the rows it wrote.
    public var replica: String
    public var usage: UsageRecord

    public init(tenant: String, replica: String, usage: UsageRecord) {
        self.tenant = tenant; self.replica = replica; self.usage = usage
    }

    // MARK: Lines

    /// The entry as one journal line, newline included.
    public func line() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(384)
        func raw(_ s: StaticString) { s.withUTF8Buffer { out.append(contentsOf: $0) } }
        func string(_ s: String?) { if let s { JSONWriter.appendQuoted(s, to: &out) } else { out += Array("null".utf8) } }
        func int(_ v: Int64?) { out.append(contentsOf: (v.map { String($0) } ?? "null").utf8) }
        let u = usage
        raw("{\"v\":2,\"tenant\":"); string(tenant)
        raw(",\"replica\":"); string(replica)
        raw(",\"request_id\":"); string(u.requestID)
        raw(",\"at_ns\":"); int(u.startedAt.nanoseconds)
        raw(",\"key_id\":"); string(u.keyID)
        raw(",\"model\":"); string(u.modelAlias)
        raw(",\"provider\":"); string(u.provider?.rawValue)
        raw(",\"upstream_model\":"); string(u.upstreamModel)
        raw(u.stream ? ",\"stream\":true" : ",\"stream\":false")
        raw(",\"status\":"); int(Int64(u.status))
        raw(",\"error_kind\":"); string(u.errorKind?.rawValue)
        raw(",\"prompt_tokens\":"); int(Int64(u.promptTokens))
        raw(",\"completion_tokens\":"); int(Int64(u.completionTokens))
        raw(",\"cost_micros\":"); int(u.costMicros)
        raw(",\"usage_source\":"); string(u.usageSource.rawValue)
        raw(",\"latency_ns\":"); int(u.latency.value)
        raw(",\"ttft_ns\":"); int(u.timeToFirstToken?.value)
        raw("}\n")
        return out
    }

    /// Reads one line (without its newline); `nil` when it is not a journal line (a
    /// fragment a failed write left behind).
    public static func parse(_ line: some Collection<UInt8>) -> JournalEntry? {
        let data = Data(line)
        if let v2 = try? decoder.decode(LineV2.self, from: data), v2.v == 2 { return v2.entry }
        if let v1 = try? decoder.decode(LineV1.self, from: data) { return v1.journalEntry }
        return nil
    }

    private static let decoder = JSONDecoder()

    private struct LineV2: Decodable {
        var v: Int
        var tenant: String
        var replica: String
        var request_id: String
        var at_ns: Int64
        var key_id: String?
        var model: String
        var provider: String?
        var upstream_model: String?
        var stream: Bool
        var status: Int
        var error_kind: String?
        var prompt_tokens: Int
        var completion_tokens: Int
        var cost_micros: Int64
        var usage_source: String
        var latency_ns: Int64
        var ttft_ns: Int64?

        var entry: JournalEntry? {
            guard let source = UsageRecord.UsageSource(rawValue: usage_source) else { return nil }
            let usage = UsageRecord(
                requestID: request_id, tenant: tenant, keyID: key_id, modelAlias: model, provider: provider.flatMap(ProviderKind.init(rawValue:)),
                upstreamModel: upstream_model, stream: stream, status: status, errorKind: error_kind.flatMap(GatewayError.Kind.init(rawValue:)),
                promptTokens: prompt_tokens, completionTokens: completion_tokens, costMicros: cost_micros, usageSource: source,
                startedAt: Instant(nanoseconds: at_ns), latency: Nanoseconds(latency_ns), timeToFirstToken: ttft_ns.map(Nanoseconds.init))
            return JournalEntry(tenant: tenant, replica: replica, usage: usage)
        }
    }

    /// The first journal's lines: a tenant and its ledger row, times as `Date`s in
    /// `JSONEncoder`'s default encoding (the live driver's instants are Unix-epoch based,
    /// and the first journal was live only). Its rows had no replica: "".
    private struct LineV1: Decodable {
        struct Row: Decodable {
            var requestID: String
            var at: Date
            var keyID: String?
            var model: String
            var provider: String?
            var upstreamModel: String?
            var stream: Bool
            var status: Int
            var errorKind: String?
            var promptTokens: Int
            var completionTokens: Int
            var costMicros: Int64
            var latencyMicros: Int64
            var usageSource: String
        }
        var tenant: String
        var entry: Row

        var journalEntry: JournalEntry? {
            let r = entry
            guard let source = UsageRecord.UsageSource(rawValue: r.usageSource) else { return nil }
            let usage = UsageRecord(
                requestID: r.requestID, tenant: tenant, keyID: r.keyID, modelAlias: r.model, provider: r.provider.flatMap(ProviderKind.init(rawValue:)),
                upstreamModel: r.upstreamModel, stream: r.stream, status: r.status, errorKind: r.errorKind.flatMap(GatewayError.Kind.init(rawValue:)),
                promptTokens: r.promptTokens, completionTokens: r.completionTokens, costMicros: r.costMicros, usageSource: source,
                startedAt: Instant(nanoseconds: Int64((r.at.timeIntervalSince1970 * 1e6).rounded()) * 1_000),
                latency: .microseconds(r.latencyMicros), timeToFirstToken: nil)
            return JournalEntry(tenant: tenant, replica: "", usage: usage)
        }
    }
}
