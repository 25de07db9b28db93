import Crypto
import Flags
import Foundation
import Base
import Gateway
import Plugins

/// Reads the sections a serve file and a Lab scenario share — `platform:`, `tenants:`,
/// `flags:` — with errors located by file, line and column (``ConfigFileError``).
///
/// Both drivers read a tenant with the same code, so a tenant tried in the Lab deploys
/// unchanged; unknown keys are errors, never silently ignored.
package enum ConfigReader {
    package struct Context {
        package var file: String
        package var baseDirectory: String
        package var hasher: SHA256

        package init(file: String, baseDirectory: String, hasher: SHA256 = SHA256()) {
            self.file = file; self.baseDirectory = baseDirectory; self.hasher = hasher
        }
    }

    package static func readText(_ path: String, from node: YAMLNode?) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            if let node { throw node.error("cannot read file '\(path)'") }
            throw ConfigFileError(file: path, line: 1, column: 1, message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw node?.error("'\(path)' is not UTF-8 text") ?? ConfigFileError(file: path, line: 1, column: 1, message: "the file is not UTF-8 text")
        }
        return text
    }

    /// - Parameter replicas: whether `replicas` and `counters` (the Lab's simulated
    ///   replicas) are allowed; a serve file is one replica, and names its counters in
    ///   `server.counters`.
    package static func parsePlatform(_ node: YAMLNode?, replicas: Bool = true, context: inout Context) throws -> PlatformSpec {
        var allowlist = ProviderKind.allCases.compactMap { try? Endpoint.parse($0.defaultBaseURL).get().host }
        var pricing: PricingTable
        do { pricing = try PricingTable.bundled() } catch {
            throw ConfigFileError(file: context.file, line: 1, column: 1, message: "\(error)")
        }
        var timeout = Nanoseconds.seconds(60)
        guard let node else { return .init(allowlist: allowlist, pricing: pricing, upstreamTimeout: timeout) }
        let f = try node.fields(["egress_allowlist", "pricing", "upstream_timeout"] + (replicas ? ["replicas", "counters"] : []))
        if let a = f["egress_allowlist"] {
            allowlist = try a.list().map { try $0.nonEmptyString() }
            for entry in try a.list() {
                do { _ = try EgressAllowlist([try entry.string()]) } catch { throw entry.error("\(error)") }
            }
        }
        if let p = f["pricing"] {
            let path = resolve(try p.nonEmptyString(), context)
            let text = try readText(path, from: p)
            context.hasher.update(data: Array(text.utf8))
            do { pricing = try PricingTable.parse(Data(text.utf8), name: path) } catch { throw p.error("\(error)") }
        }
        if let t = f["upstream_timeout"] { timeout = try t.duration() }
        var spec = PlatformSpec(allowlist: allowlist, pricing: pricing, upstreamTimeout: timeout)
        if let r = f["replicas"] { spec.replicas = try r.int(min: 1, max: 16) }
        if let c = f["counters"] {
            switch try c.string() {
            case "local": spec.sharedCounters = false
            case "redis": spec.sharedCounters = true
            default: throw c.error("expected 'local' (each replica counts for itself) or 'redis' (the replicas share counters)")
            }
        }
        return spec
    }

    package static func resolve(_ path: String, _ context: Context) -> String {
        path.hasPrefix("/") ? path : (context.baseDirectory as NSString).appendingPathComponent(path)
    }

    package static func parseEndpoint(_ node: YAMLNode) throws -> Endpoint {
        switch Endpoint.parse(try node.nonEmptyString()) {
        case .success(let e): return e
        case .failure(let why): throw node.error("\(why)")
        }
    }

    package static func parseKind(_ node: YAMLNode) throws -> ProviderKind {
        guard let k = ProviderKind(rawValue: try node.string()) else {
            throw node.error("expected a provider: \(ProviderKind.allCases.map(\.rawValue).joined(separator: ", ")); got \(node.kindName)")
        }
        return k
    }

    /// - Parameter secret: reads a key's value (the live server's config expands
    ///   `${ENV_VAR}` references here; scenarios take keys literally).
    package static func parseTenant(id: String, _ node: YAMLNode,
                                    secret: (YAMLNode) throws -> String = { try $0.nonEmptyString() }) throws -> TenantSpec {
        guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw node.error("tenant ids use letters, digits, '-' and '_'")
        }
        let f = try node.fields(["keys", "providers", "models", "quotas", "key_quotas", "budget", "traits", "integrations", "embeddings"])
        let keysNode = try f.required("keys")
        let keys = try keysNode.list().map { try secret($0) }
        guard !keys.isEmpty else { throw keysNode.error("a tenant needs at least one virtual key") }
        var accounts: [AccountSpec] = []
        if let p = f["providers"] {
            for (kindName, a) in try p.mapping(allowed: ProviderKind.allCases.map(\.rawValue)) {
                let kind = ProviderKind(rawValue: kindName)!
                let af = try a.fields(["key", "endpoint"])
                let endpoint = try af["endpoint"].map(parseEndpoint) ?? Endpoint.parse(kind.defaultBaseURL).get()
                accounts.append(.init(provider: kind, key: try secret(af.required("key")), endpoint: endpoint))
            }
        }
        var aliases: [AliasSpec] = []
        if let m = f["models"] {
            for (alias, spec) in try m.mapping() {
                if spec.isScalar {
                    let s = try spec.string()
                    guard let slash = s.firstIndex(of: "/"), let kind = ProviderKind(rawValue: String(s[..<slash])) else {
                        throw spec.error("expected provider/model (like openai/gpt-4o-mini) or a mapping of provider: model with 'active'")
                    }
                    aliases.append(.init(name: alias, targets: [kind: String(s[s.index(after: slash)...])], active: kind))
                    continue
                }
                var targets: [ProviderKind: String] = [:]
                var active: ProviderKind?
                for (k, v) in try spec.mapping(allowed: ProviderKind.allCases.map(\.rawValue) + ["active"]) {
                    if k == "active" { active = try parseKind(v) } else { targets[ProviderKind(rawValue: k)!] = try v.nonEmptyString() }
                }
                guard !targets.isEmpty else { throw spec.error("name at least one provider's model") }
                if active == nil, targets.count == 1 { active = targets.keys.first }
                guard let act = active else { throw spec.error("with several providers, say which is 'active'") }
                guard targets[act] != nil else { throw spec.error("'active: \(act.rawValue)' names a provider without a model here") }
                aliases.append(.init(name: alias, targets: targets, active: act))
            }
        }
        let limits = try f["quotas"].map(parseLimits) ?? RateLimits()
        var keyLimits: [String: RateLimits] = [:]
        if let kq = f["key_quotas"] {
            // Named as written in `keys` (a `${VAR}` reference stays a reference here).
            let written = try keysNode.list().map { try $0.string() }
            for (key, spec) in try kq.mapping() {
                guard let i = written.firstIndex(of: key) else { throw spec.error("'\(key)' is not one of this tenant's keys") }
                keyLimits[keys[i]] = try parseLimits(spec)
            }
        }
        var budget: Budget?
        if let b = f["budget"] {
            let bf = try b.fields(["monthly_usd", "thresholds"])
            let usd = try quota(.monthlyBudgetUSD, bf.required("monthly_usd"))
            var thresholds = [50, 80, 100]
            if let t = bf["thresholds"] { thresholds = try t.list().map { try $0.int(min: 1, max: 1000) } }
            budget = QuotaName.budgetMicros(usd).map { Budget(monthlyMicros: $0, thresholds: thresholds) }
        }
        var spec = TenantSpec(id: id, keys: keys, accounts: accounts, aliases: aliases, limits: limits, keyLimits: keyLimits, budget: budget)
        if let e = f["embeddings"] {
            let name = try e.nonEmptyString()
            guard let alias = aliases.first(where: { $0.name == name }) else {
                throw e.error("no model '\(name)' in this tenant's models (name the alias of an OpenAI or Gemini embedding model)")
            }
            guard ProviderAdapter.embeds(alias.active) else {
                throw e.error("'\(name)' routes to \(alias.active.displayName), which has no embeddings API; use an OpenAI or Gemini model")
            }
            spec.embeddingModel = name
        }
        if let t = f["traits"] {
            var traits = OrderedMap<JSONValue>()
            for (k, v) in try t.mapping() {
                guard v.isScalar else { throw v.error("a trait is a single value (text, number or true/false)") }
                traits[k] = try v.json()
            }
            spec.traits = traits
        }
        if let i = f["integrations"] {
            for (pluginID, config) in try i.mapping() {
                guard let plugin = Connectors.builtIn.first(where: { $0.manifest.id == pluginID }) else {
                    throw config.error("no plugin '\(pluginID)'; the connectors are \(Connectors.builtIn.map(\.manifest.id).joined(separator: ", "))")
                }
                var values: [String: String] = [:]
                for (k, v) in try config.mapping(allowed: plugin.manifest.configuration.map(\.name)) { values[k] = try secret(v) }
                do {
                    try plugin.validate(try PluginConfiguration(values).validated(against: plugin.manifest))
                } catch {
                    throw config.error("\(error)")
                }
                spec.integrations[pluginID] = values
            }
        }
        return spec
    }

    /// `{requests_per_second, requests_per_minute, requests_per_hour, tokens_per_minute, concurrent}`,
    /// each checked as the Platform API checks it (``QuotaName``; `0` means no limit).
    package static func parseLimits(_ node: YAMLNode) throws -> RateLimits {
        let f = try node.fields(QuotaName.rateLimits.map(\.rawValue))
        var limits = RateLimits()
        for name in QuotaName.rateLimits {
            if let value = f[name.rawValue] { limits[name] = name.rateLimit(try quota(name, value)) }
        }
        return limits
    }

    /// A quota's value, checked by the one rule for quotas (``QuotaName/problem(with:)``).
    static func quota(_ name: QuotaName, _ node: YAMLNode) throws -> Double {
        let value = try node.double()
        if let problem = name.problem(with: value) { throw node.error(problem) }
        return value
    }
}
