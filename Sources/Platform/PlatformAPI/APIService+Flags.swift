import Base
import Flags
import Foundation
import Storage

/// Feature flags through the Platform API: platform definitions (platform admins), a
/// tenant's overrides (its owners and admins), a tenant's traits (platform admins), and a
/// tenant's evaluated flags (its members). Every change is stored (the control plane's
/// `flags` setting, the tenant's `flags` and `traits` settings), audited, and applied to
/// the process's ``FlagRegistry`` at once, so the gateway and the Flagsmith read API see it
/// on their next call.
extension APIService {
    static let flagRoutes: [APIRoute] = [
        APIRoute("GET", "/api/v1/flags/features", "listFlagDefinitions", "The platform's flag definitions and segments.",
                 resource: "flags", response: Schema.flagDefinitions) { service, _ in .json(200, service.flags.book.definitions.json) },
        APIRoute("PUT", "/api/v1/flags/features/{feature}", "putFlag",
                 "Create or change a feature: {enabled, value, description, variants, rollout (percent of tenants)}.",
                 resource: "flags", request: Schema.putFlag, response: Schema.object([:])) { service, context in try await service.putFlag(context) },
        APIRoute("DELETE", "/api/v1/flags/features/{feature}", "deleteFlag", "Remove a feature (and the segment overrides of it).",
                 resource: "flags", status: 204) { service, context in try await service.deleteFlag(context) },
        APIRoute("PUT", "/api/v1/flags/segments/{segment}", "putSegment",
                 "Create or change a segment: {rules (Flagsmith's), overrides: {feature: {enabled, value}}}.",
                 resource: "flags", request: Schema.object([:]), response: Schema.object([:])) { service, context in try await service.putSegment(context) },
        APIRoute("DELETE", "/api/v1/flags/segments/{segment}", "deleteSegment", "Remove a segment.",
                 resource: "flags", status: 204) { service, context in try await service.deleteSegment(context) },
        APIRoute("GET", "/api/v1/flags/tenants/{tenant}", "getTenantFlags", "The tenant's flags as evaluated now, with the reason for each.",
                 resource: "tenant-flags", response: Schema.array(Schema.flag)) { service, context in try service.tenantFlags(context) },
        APIRoute("PUT", "/api/v1/flags/tenants/{tenant}/features/{feature}", "putTenantFlag",
                 "Override a feature for the tenant: {enabled, value}.", resource: "tenant-flags",
                 request: Schema.flagState, response: Schema.array(Schema.flag)) { service, context in try await service.putTenantFlag(context) },
        APIRoute("DELETE", "/api/v1/flags/tenants/{tenant}/features/{feature}", "deleteTenantFlag",
                 "Drop the tenant's override: the platform's definition applies again.", resource: "tenant-flags",
                 response: Schema.array(Schema.flag)) { service, context in try await service.deleteTenantFlag(context) },
        APIRoute("PUT", "/api/v1/flags/tenants/{tenant}/traits", "putTenantTraits",
                 "Set the tenant's traits (plan, region, size…) that segments match on.", resource: "tenant-traits",
                 request: Schema.object([:]), response: Schema.array(Schema.flag)) { service, context in try await service.putTraits(context) },
    ]

    // MARK: Loading

    /// Loads the flags from storage into ``flags``: the platform's definitions (seeded from
    /// `seed`, and stored, when the control plane has none yet), and every active or
    /// suspended tenant's overrides and traits. At start-up, and whenever another replica
    /// changed them (the gateway's control plane): one flag edit or load at a time.
    public func loadFlags(seed: FlagDefinitions?) async throws {
        try await flagEdits.withGate { try await loadFlagsAlone(seed: seed) }
    }

    private func loadFlagsAlone(seed: FlagDefinitions?) async throws {
        var definitions = seed ?? FlagDefinitions()
        if let stored = try await platform.setting("flags") {
            do { definitions = try FlagDefinitions(json: try JSONValue.parse(stored.rawValue)) } catch {
                throw APIProblem(status: 500, title: "Bad stored flags", detail: "the control plane's flags setting is invalid: \(error)")
            }
        } else if let seed {
            try await platform.setSetting("flags", to: try JSONText(validating: seed.json.serialized()), actor: "config", now: clock())
        }
        var overrides: [String: [String: FlagState]] = [:]
        var traits: [String: OrderedMap<JSONValue>] = [:]
        for tenant in try await platform.tenants() where tenant.status == .active || tenant.status == .suspended {
            let settings = try await tenantStore(tenant.id, allowSuspended: true).settings()
            if let o = settings["flags"], let map = Self.overrides(from: o) { overrides[tenant.id.rawValue] = map }
            if let t = settings["traits"], case .object(let map)? = try? JSONValue.parse(t.rawValue) { traits[tenant.id.rawValue] = map }
        }
        await flags.update { $0 = FlagBook(definitions: definitions, overrides: overrides, traits: traits) }
    }

    /// A tenant's stored overrides (its `flags` setting); nil when unreadable.
    static func overrides(from text: JSONText) -> [String: FlagState]? {
        guard case .object(let map)? = try? JSONValue.parse(text.rawValue) else { return nil }
        return Dictionary(uniqueKeysWithValues: map.compactMap { k, v in (try? FlagState(json: v, path: k)).map { (k, $0) } })
    }

    // MARK: Views

    static func flagView(_ f: FlagBook.Flag) -> JSONValue {
        ["name": .string(f.name), "enabled": .bool(f.enabled), "value": f.value, "reason": .string(f.reason)]
    }

    // MARK: Definitions

    /// Applies a change to the definitions: checks it, stores it (audited) and publishes it.
    func changeDefinitions(_ context: RouteContext, _ change: (inout FlagDefinitions) throws -> Void) async throws {
        try await flagEdits.withGate { try await changeDefinitionsAlone(context, change) }
    }

    private func changeDefinitionsAlone(_ context: RouteContext, _ change: (inout FlagDefinitions) throws -> Void) async throws {
        // From the stored definitions, which another replica may have changed since this one loaded them.
        var definitions = try await platform.setting("flags").flatMap { try? FlagDefinitions(json: try JSONValue.parse($0.rawValue)) }
            ?? flags.book.definitions
        try change(&definitions)
        // Re-read through the checked JSON form, so an invalid result is refused, not stored.
        do { definitions = try FlagDefinitions(json: definitions.json) } catch {
            throw APIProblem.invalid("\(error)", code: "invalid_flag")
        }
        try await platform.setSetting("flags", to: try JSONText(validating: definitions.json.serialized()), actor: actor(context), now: clock())
        await flags.update { $0.definitions = definitions }
    }

    func featureName(_ context: RouteContext) throws -> String {
        let name = context.parameter("feature")
        guard FlagDefinitions.isFeatureName(name) else { throw APIProblem.invalid("A feature name is 1–100 characters from a-z A-Z 0-9 . _ -.") }
        return name
    }

    func putFlag(_ context: RouteContext) async throws -> APIResponse {
        let name = try featureName(context)
        var body = try bodyObject(context)
        try checkFields(body, allowed: ["enabled", "value", "description", "variants", "rollout"])
        body["name"] = .string(name)
        let parsed: FlagDefinitions
        do { parsed = try FlagDefinitions(json: .object(OrderedMap([("features", .array([JSONValue.object(body)]))])), path: "body") } catch {
            throw APIProblem.invalid("\(error)", code: "invalid_flag")
        }
        try await changeDefinitions(context) { $0.put(parsed.features[0]) }
        return .json(200, flags.book.definitions.feature(named: name)?.json ?? .null)
    }

    func deleteFlag(_ context: RouteContext) async throws -> APIResponse {
        let name = try featureName(context)
        guard flags.book.definitions.feature(named: name) != nil else { throw APIProblem.notFound("No feature '\(name)'.") }
        try await changeDefinitions(context) { d in
            d.features.removeAll { $0.name == name }
            for i in d.segments.indices { d.segments[i].overrides.removeAll { $0.feature == name } }
        }
        return .noContent
    }

    func putSegment(_ context: RouteContext) async throws -> APIResponse {
        let name = context.parameter("segment")
        guard FlagDefinitions.isFeatureName(name) else { throw APIProblem.invalid("A segment name is 1–100 characters from a-z A-Z 0-9 . _ -.") }
        var body = try bodyObject(context)
        try checkFields(body, allowed: ["rules", "overrides"])
        body["name"] = .string(name)
        var segment: FlagDefinitions.Segment?
        try await changeDefinitions(context) { d in
            let json = JSONValue.object(OrderedMap([
                ("features", d.json["features"] ?? .array([])), ("segments", .array([JSONValue.object(body)])),
            ]))
            do { segment = try FlagDefinitions(json: json, path: "body").segments.first } catch {
                throw APIProblem.invalid("\(error)", code: "invalid_flag")
            }
            if let segment { d.put(segment) }
        }
        return .json(200, flags.book.definitions.json["segments"] ?? .null)
    }

    func deleteSegment(_ context: RouteContext) async throws -> APIResponse {
        let name = context.parameter("segment")
        guard flags.book.definitions.segments.contains(where: { $0.name == name }) else { throw APIProblem.notFound("No segment '\(name.prefix(80))'.") }
        try await changeDefinitions(context) { $0.segments.removeAll { $0.name == name } }
        return .noContent
    }

    // MARK: Tenants

    func tenantFlags(_ context: RouteContext) throws -> APIResponse {
        .json(200, .array(flags.book.evaluate(tenant: try tenantID(context).rawValue).map(Self.flagView)))
    }

    /// Stores the tenant's overrides and publishes them.
    func saveOverrides(_ context: RouteContext, _ change: (inout [String: FlagState]) throws -> Void) async throws -> APIResponse {
        try await flagEdits.withGate { try await saveOverridesAlone(context, change) }
    }

    private func saveOverridesAlone(_ context: RouteContext, _ change: (inout [String: FlagState]) throws -> Void) async throws -> APIResponse {
        let id = try tenantID(context)
        let store = try await store(context)
        // From the stored overrides, which another replica may have changed since this one loaded them.
        var overrides = try await store.settings()["flags"].flatMap(Self.overrides(from:)) ?? flags.book.overrides[id.rawValue] ?? [:]
        let before = overrides
        try change(&overrides)
        let json = JSONValue.object(OrderedMap(overrides.keys.sorted().map { ($0, overrides[$0]!.json) }))
        try await store.setSetting("flags", to: overrides.isEmpty ? nil : try JSONText(validating: json.serialized()), now: clock())
        let feature = context.parameter("feature")
        try await audit(context, "flag.override", "flag:\(feature)", old: before[feature].map(\.json),
                        new: overrides[feature].map(\.json))
        await flags.update { $0.overrides[id.rawValue] = overrides.isEmpty ? nil : overrides }
        return try tenantFlags(context)
    }

    func putTenantFlag(_ context: RouteContext) async throws -> APIResponse {
        let name = try featureName(context)
        guard flags.book.definitions.feature(named: name) != nil else { throw APIProblem.notFound("No feature '\(name)'.") }
        let body = try bodyObject(context)
        let state: FlagState
        do { state = try FlagState(json: JSONValue.object(body), path: "body") } catch {
            throw APIProblem.invalid("\(error)", code: "invalid_flag")
        }
        return try await saveOverrides(context) { $0[name] = state }
    }

    func deleteTenantFlag(_ context: RouteContext) async throws -> APIResponse {
        let name = try featureName(context)
        return try await saveOverrides(context) { $0[name] = nil }
    }

    func putTraits(_ context: RouteContext) async throws -> APIResponse {
        let id = try tenantID(context)
        let body = try bodyObject(context)
        for (k, v) in body {
            switch v {
            case .string, .int, .double, .bool: continue
            default: throw APIProblem.invalid("Trait '\(k.prefix(60))' must be text, a number or true/false.")
            }
        }
        let json = JSONValue.object(body)
        let traits = body
        await flagEdits.enter()
        defer { flagEdits.leave() }
        let store = try await store(context)
        let old = flags.book.traits[id.rawValue].map(JSONValue.object)
        try await store.setSetting("traits", to: traits.isEmpty ? nil : try JSONText(validating: json.serialized()), now: clock())
        try await audit(context, "traits.set", "traits", old: old, new: .object(body))
        await flags.update { $0.traits[id.rawValue] = traits.isEmpty ? nil : traits }
        return try tenantFlags(context)
    }
}
