import Base
import Foundation
import Gateway
import PlatformAPI
import Storage

/// The usage ledger of the live server: each tenant's `usage_events` table, through the
/// Platform API's service (a database per tenant, SQLite or PostgreSQL).
public struct ServiceLedger: UsageLedger {
    let service: APIService
    let clock: any TimeSource

    public init(service: APIService, clock: any TimeSource = SystemTimeSource()) {
        self.service = service
        self.clock = clock
    }

    public func record(tenant: String, _ entries: [JournalEntry]) async throws {
        try await service.recordUsage(tenant: tenant, entries.map(row))
    }

    public func monthToDate(tenant: String, replica: String, at now: Instant) async throws -> LedgerTotals {
        let (all, mine) = try await service.monthToDate(tenant: tenant, replica: replica, at: clock.date(of: now))
        return LedgerTotals(tenant: Self.counters(all), replica: Self.counters(mine))
    }

    /// The ledger row of a journal entry.
    func row(_ e: JournalEntry) -> UsageEntry {
        let u = e.usage
        return UsageEntry(requestID: u.requestID, at: clock.date(of: u.startedAt), keyID: u.keyID, model: u.modelAlias,
                          provider: u.provider?.rawValue, upstreamModel: u.upstreamModel, stream: u.stream, status: u.status,
                          errorKind: u.errorKind?.rawValue, promptTokens: u.promptTokens, completionTokens: u.completionTokens,
                          costMicros: u.costMicros, latencyMicros: u.latency.value / 1_000, usageSource: u.usageSource.rawValue,
                          replica: e.replica)
    }

    static func counters(_ t: UsageTotals) -> UsageCounters {
        UsageCounters(calls: t.calls, tokens: t.promptTokens + t.completionTokens, costMicros: t.costMicros)
    }
}
