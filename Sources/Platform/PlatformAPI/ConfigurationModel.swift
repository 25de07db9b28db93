import Base
import Foundation
import Gateway
import Storage

/// The configuration model: platform-level settings that apply to every tenant, tenant-level
/// overrides, and the one rule that merges them into a tenant's effective configuration.
///
/// Sections (each a JSON object), each of which the gateway serves:
///
/// | section | platform level (control plane) | tenant level (tenant database) |
/// |---|---|---|
/// | `providers` | setting `providers`: the endpoint per provider kind (`{"openai": {"endpoint": …}}`) that provider configurations without one use | provider configurations, keys sealed |
/// | `quotas` | setting `quotas`: the default quotas of every tenant | the tenant's quotas table |
///
/// Features are switched by flags (``FlagBook``), and integrations are configured in the
/// serve file; neither is a section here.
///
/// **The merge rule** (``merge(_:_:)``), applied per section: start from the platform value;
/// for each key of the tenant value, a JSON `null` removes the key, an object merged into an
/// object merges recursively by the same rule, and anything else replaces the platform value.
/// A tenant therefore inherits every platform default it does not override, and a change to a
/// platform default reaches every tenant that has not overridden that key.
///
/// Secrets never leave: provider keys appear as `{"set": true, "sealed_with": …}` and any
/// other key whose name says it holds a secret is replaced by `"[redacted]"` (``redacted(_:)``).
public enum ConfigurationModel {
    /// The configuration sections, in the order they are shown.
    public static let sections = ["providers", "quotas"]

    /// Checks a quota's value by the one rule for quotas (``QuotaName``: a number from 0 to a
    /// billion, whole but for `monthly_budget_usd`); the problem, or nil.
    public static func quotaProblem(_ name: QuotaName, _ value: JSONValue) -> String? {
        name.problem(with: value.numberValue ?? .nan)
    }

    /// What is wrong with a platform-level section's value (the API and the CLI check by
    /// this), or nil: `providers` maps provider kinds to `{"endpoint": URL}`, `quotas`
    /// quota names to their limits.
    public static func problem(section: String, _ value: JSONValue) -> String? {
        guard let object = value.objectValue else { return "The value of '\(section)' must be a JSON object." }
        func unknown(_ allowed: [String], in fields: OrderedMap<JSONValue>, _ path: String) -> String? {
            fields.keys.sorted().first { !allowed.contains($0) }.map {
                "Unknown field '\(path)\($0.prefix(60))'; expected \(allowed.joined(separator: ", "))."
            }
        }
        switch section {
        case "providers":
            if let problem = unknown(ProviderKind.allCases.map(\.rawValue), in: object, "") { return problem }
            for (kind, v) in object.sorted(by: { $0.key < $1.key }) {
                guard let fields = v.objectValue else { return "providers.\(kind) is an object such as {\"endpoint\": \"https://…\"}." }
                if let problem = unknown(["endpoint"], in: fields, "\(kind).") { return problem }
                if let e = fields["endpoint"] {
                    guard let text = e.stringValue, case .success = Endpoint.parse(text) else {
                        return "providers.\(kind).endpoint must be an http(s) URL without credentials."
                    }
                }
            }
        case "quotas":
            if let problem = unknown(QuotaName.names, in: object, "") { return problem }
            for (name, v) in object.sorted(by: { $0.key < $1.key }) {
                if let quota = QuotaName(rawValue: name), let problem = quotaProblem(quota, v) { return problem }
            }
        default:
            return "Unknown section '\(section.prefix(60))'; sections are \(sections.joined(separator: ", "))."
        }
        return nil
    }

    /// Merges a tenant value over a platform value (see the type's documentation).
    public static func merge(_ platform: JSONValue, _ tenant: JSONValue) -> JSONValue {
        guard case .object(var base) = platform, case .object(let over) = tenant else {
            if case .null = tenant { return platform }
            return tenant
        }
        for (key, value) in over {
            if case .null = value {
                base[key] = nil
            } else if let existing = base[key], case .object = existing, case .object = value {
                base[key] = merge(existing, value)
            } else {
                base[key] = value
            }
        }
        return .object(base)
    }

    /// Where each top-level key of a merged section came from: `platform`, `tenant` or `merged`.
    public static func origins(_ platform: JSONValue, _ tenant: JSONValue, merged: JSONValue) -> JSONValue {
        guard case .object(let keys) = merged else { return .object([:]) }
        var out: [String: JSONValue] = [:]
        for key in keys.keys {
            let inPlatform = platform.objectValue?[key] != nil, inTenant = tenant.objectValue?[key] != nil
            out[key] = inPlatform && inTenant
                ? (platform.objectValue?[key]?.objectValue != nil && tenant.objectValue?[key]?.objectValue != nil ? "merged" : "tenant")
                : (inTenant ? "tenant" : "platform")
        }
        return .object(out)
    }

    /// `value` with every secret-looking field replaced by `"[redacted]"`: a name (any case)
    /// that is `key`, `secret`, `token`, `password` or `apikey`, or ends in `_key`, `_secret`,
    /// `_token`, `_password`, `_credential` or `webhook_url` — unless the value is already a
    /// redaction object (`{"set": …}`), a boolean or null.
    public static func redacted(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let fields):
            var out: [String: JSONValue] = [:]
            for (k, v) in fields {
                let lower = k.lowercased()
                let secretName = ["key", "secret", "token", "password", "apikey"].contains(lower)
                    || ["_key", "_secret", "_token", "_password", "_credential", "webhook_url"].contains { lower.hasSuffix($0) }
                if secretName, v.objectValue?["set"] == nil, v != .null, v != .bool(false), v != .bool(true) {
                    out[k] = "[redacted]"
                } else {
                    out[k] = redacted(v)
                }
            }
            return .object(out)
        case .array(let items): return .array(items.map(redacted))
        default: return value
        }
    }

    /// A tenant's effective configuration: every section merged by ``merge(_:_:)``, secrets
    /// redacted, and `origins` telling for each top-level key whether it came from the
    /// platform, the tenant or both. What `GET /api/v1/tenants/{id}/config/effective` and
    /// `dcoder config show --tenant` return.
    public static func effective(platform: any PlatformStore, tenant store: any TenantStore) async throws -> JSONValue {
        let platformSettings = try await platform.settings()
        var tenantLevel: [String: JSONValue] = [:]
        var providers: [String: JSONValue] = [:]
        for p in try await store.providers() { providers[p.id] = APIService.providerView(p) }
        tenantLevel["providers"] = .object(providers)
        var quotas: [String: JSONValue] = [:]
        for (name, value) in try await store.quotas() { quotas[name] = APIService.json(value) }
        tenantLevel["quotas"] = .object(quotas)

        var effective: [String: JSONValue] = [:], origins: [String: JSONValue] = [:]
        for section in sections {
            let p = platformSettings[section].map(APIService.json) ?? .object([:])
            let t = tenantLevel[section] ?? .object([:])
            let merged = merge(p, t)
            effective[section] = redacted(merged)
            origins[section] = self.origins(p, t, merged: merged)
        }
        effective["tenant"] = .string(store.tenantID.rawValue)
        effective["origins"] = .object(origins)
        return .object(effective)
    }

    /// `value` as pretty, key-sorted JSON text (for the CLI).
    public static func prettyText(_ value: JSONValue) -> String {
        String(decoding: (try? JSONCoding.makeEncoder(pretty: true).encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }
}
