import Base
import Foundation
import Base
import Storage

/// Usage from the tenant's ledger: the Platform API's mirror of the gateway's counters.
extension APIService {
    static let usageRoutes: [APIRoute] = [
        APIRoute("GET", "/api/v1/tenants/{tenant}/usage", "getUsage",
                 "Usage from the tenant's ledger over a window (`?window=1h|24h|7d|30d|month`, default month; or `?from=&to=` ISO 8601): totals and breakdowns by model, key and status.",
                 resource: "usage", response: Schema.usage) { service, context in try await service.usage(context) },
    ]

    /// The window a usage query names: rolling windows end now; `month` is the calendar month
    /// (UTC) so far.
    static func usageWindow(_ query: [String: String], now: Date) throws -> (name: String, from: Date, to: Date) {
        if let f = query["from"] {
            let parser = ISO8601DateFormatter()
            guard let from = parser.date(from: f), let to = parser.date(from: query["to"] ?? parser.string(from: now)), from < to else {
                throw APIProblem.invalid("'from' and 'to' must be ISO 8601 times (2026-11-01T00:00:00Z) with from before to.")
            }
            return ("custom", from, to)
        }
        let name = query["window"] ?? "month"
        switch name {
        case "1h": return (name, now.addingTimeInterval(-3600), now)
        case "24h": return (name, now.addingTimeInterval(-86_400), now)
        case "7d": return (name, now.addingTimeInterval(-7 * 86_400), now)
        case "30d": return (name, now.addingTimeInterval(-30 * 86_400), now)
        case "month":
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            let start = calendar.date(from: calendar.dateComponents([.year, .month], from: now)) ?? now
            return (name, start, now.addingTimeInterval(0.001))
        default:
            throw APIProblem.invalid("Unknown window '\(name.prefix(20))'; use 1h, 24h, 7d, 30d or month, or from and to.")
        }
    }

    /// Writes usage entries into a tenant's ledger (the live server's journal flushes here).
    /// A suspended tenant's calls (answered before it was suspended) still reach its ledger.
    public func recordUsage(tenant: String, _ entries: [UsageEntry]) async throws {
        let id = try TenantID(tenant)
        if let store = await stores.store(for: id) { try await store.recordUsage(entries); return }
        guard let record = try await platform.tenant(id), record.status == .active || record.status == .suspended else {
            throw APIProblem(status: 409, title: "No ledger", detail: "tenant '\(tenant)' has no provisioned database")
        }
        let database = try await backend.tenantDatabase(at: record.databaseLocator)
        try await Migrator.tenant.migrate(database, label: "tenant '\(tenant)'", now: clock())
        let store = try await SQLTenantStore.open(database: database, tenant: id)
        if record.status == .active { await stores.set(store, for: id) }
        try await store.recordUsage(entries)
    }

    /// A tenant's spend so far this calendar month (UTC), from its ledger.
    public func monthToDateCost(tenant: String) async throws -> Int64 {
        let window = try Self.usageWindow(["window": "month"], now: clock())
        return try await tenantStore(try TenantID(tenant)).usageSummary(from: window.from, to: window.to).totals.costMicros
    }

    /// A tenant's totals for the calendar month (UTC) of `at`, from its ledger: all its rows,
    /// and those `replica` wrote (for the gateway's reconciliation).
    public func monthToDate(tenant: String, replica: String, at: Date) async throws -> (all: UsageTotals, replica: UsageTotals) {
        let month = CalendarMonth(of: Instant(nanoseconds: Int64(at.timeIntervalSince1970 * 1e9)), epoch: 0)
        let from = Date(timeIntervalSince1970: Double(month.start(epoch: 0).nanoseconds) / 1e9)
        let to = Date(timeIntervalSince1970: Double(month.next.start(epoch: 0).nanoseconds) / 1e9)
        return try await tenantStore(try TenantID(tenant)).usageTotals(from: from, to: to, replica: replica)
    }

    /// A tenant's effective quotas (platform defaults merged with its overrides) as numbers,
    /// for the gateway to enforce; nil when the tenant has no active database.
    public func effectiveQuotas(tenant: String) async throws -> [String: Double]? {
        guard let id = try? TenantID(tenant), let record = try await platform.tenant(id), record.status == .active else { return nil }
        let store = try await tenantStore(id)
        let platformDefaults = try await platform.setting("quotas").map(Self.json) ?? .object([:])
        var overrides: [String: JSONValue] = [:]
        for (name, value) in try await store.quotas() { overrides[name] = Self.json(value) }
        guard case .object(let merged) = ConfigurationModel.merge(platformDefaults, .object(overrides)) else { return [:] }
        return merged.dictionary.compactMapValues(\.numberValue)
    }

    /// Records the tenants of the serve file in the control plane, each with its database,
    /// so that their usage has a ledger; existing tenants are left as they are.
    ///
    /// - Returns: Whether a tenant was created (or its provisioning finished).
    @discardableResult
    public func ensureTenants(_ ids: [String]) async throws -> Bool {
        var created = false
        for raw in ids {
            let id = try TenantID(raw)
            if let t = try await platform.tenant(id), t.status == .active || t.status == .suspended { continue }
            try await provisioner.createTenant(id: id, name: raw, now: clock(), actor: "config")
            created = true
        }
        return created
    }

    static func totalsView(_ t: UsageTotals) -> JSONValue {
        ["calls": .int(t.calls), "errors": .int(t.errors), "prompt_tokens": .int(t.promptTokens),
         "completion_tokens": .int(t.completionTokens), "cost_micros": .int(Int(t.costMicros)),
         "cost_usd": .string(String(format: "%.6f", Double(t.costMicros) / 1e6))]
    }

    func usage(_ context: RouteContext) async throws -> APIResponse {
        let window = try Self.usageWindow(context.request.query, now: clock())
        let summary = try await store(context).usageSummary(from: window.from, to: window.to)
        let formatter = ISO8601DateFormatter()
        return .json(200, [
            "tenant": .string(context.parameter("tenant")),
            "window": ["name": .string(window.name), "from": .string(formatter.string(from: window.from)), "to": .string(formatter.string(from: window.to))],
            "source": "ledger",
            "totals": Self.totalsView(summary.totals),
            "by_model": .object(summary.byModel.mapValues(Self.totalsView)),
            "by_key": .object(summary.byKey.mapValues(Self.totalsView)),
            "by_status": .object(Dictionary(uniqueKeysWithValues: summary.byStatus.map { (String($0.key), .int($0.value)) })),
        ])
    }
}
