import Mocks
import Config
import Crypto
import Flags
import Foundation
import Base
import Gateway
import Plugins

/// Reads scenario files into ``Scenario`` values, with precise errors.
///
/// Every problem is reported as `file:line:column: what was expected`, unknown keys
/// included, so a typo never silently changes what a run tests.
public enum ScenarioLoader {
    static let topKeys = ["name", "description", "seed", "duration", "lab", "platform", "providers", "tenants", "traffic", "steps", "expect", "flags", "usage", "rag"]

    /// Loads a scenario file. `seedOverride` replaces the file's seed (`--seed`).
    public static func load(path: String, seedOverride: UInt64? = nil) throws -> Scenario {
        let text = try ConfigReader.readText(path, from: nil)
        var hasher = SHA256()
        hasher.update(data: Array(text.utf8))
        var context = ConfigReader.Context(file: path, baseDirectory: (path as NSString).deletingLastPathComponent, hasher: hasher)
        var scenario = try parse(YAMLNode.parse(text, file: path), context: &context)
        if let s = seedOverride { scenario.seed = s }
        scenario.sourceHash = context.hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return scenario
    }

    /// Expands a list of files and folders into scenario files (folders: every
    /// `*.yaml`/`*.yml` below them, sorted by path).
    public static func expand(_ paths: [String]) throws -> [String] {
        var out: [String] = []
        let fm = FileManager.default
        for p in paths {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: p, isDirectory: &isDir) else {
                throw ConfigFileError(file: p, line: 1, column: 1, message: "no such file or folder")
            }
            if isDir.boolValue {
                let found = (fm.enumerator(atPath: p)?.compactMap { $0 as? String } ?? [])
                    .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                    .map { (p as NSString).appendingPathComponent($0) }
                    .sorted()
                if found.isEmpty { throw ConfigFileError(file: p, line: 1, column: 1, message: "the folder holds no .yaml scenario files") }
                out += found
            } else {
                out.append(p)
            }
        }
        return out
    }



    static func parse(_ root: YAMLNode, context: inout ConfigReader.Context) throws -> Scenario {
        let f = try root.fields(topKeys)
        let name = try f.required("name").nonEmptyString()
        let duration = try f.required("duration").duration()
        guard duration.value > 0 else { throw try f.required("duration").error("must be longer than zero") }
        var seed: UInt64 = 1
        if let s = f["seed"] {
            guard let v = UInt64(try s.string()) else { throw s.error("expected a whole number from 0 to 2^64-1") }
            seed = v
        }
        var wire = MockProvider.Wire.json
        var buckets = 48
        if let lab = f["lab"] {
            let lf = try lab.fields(["wire", "buckets"])
            if let w = lf["wire"] {
                guard let v = MockProvider.Wire(rawValue: try w.string()) else { throw w.error("expected 'json' or 'typed'") }
                wire = v
            }
            if let b = lf["buckets"] { buckets = try b.int(min: 4, max: 1000) }
        }
        let platform = try ConfigReader.parsePlatform(f["platform"], context: &context)
        var providers = try parseProviders(f["providers"], duration: duration)
        var tenants: [TenantSpec] = []
        if let t = f["tenants"] {
            for (id, node) in try t.mapping() {
                let tenant = try ConfigReader.parseTenant(id: id, node)
                tenants.append(tenant)
            }
        }
        var steps: [Scenario.Step] = []
        if let s = f["steps"] {
            for node in try s.list() { steps.append(try parseStep(node, providers: providers, duration: duration)) }
        }
        // Every account needs somebody to answer at its endpoint: default mocks for the
        // providers' real endpoints; a custom endpoint without a mock gets connection errors.
        let allTenants = tenants + steps.compactMap { if case .addTenant(let t) = $0.action { return t } else { return nil } }
        for t in allTenants {
            for a in t.accounts where !providers.contains(where: { $0.kind == a.provider && $0.endpoint.origin == a.endpoint.origin }) {
                if case .success(let def) = Endpoint.parse(a.provider.defaultBaseURL), def.origin == a.endpoint.origin,
                   !providers.contains(where: { $0.name == a.provider.rawValue }) {
                    providers.append(MockProviderProfile(name: a.provider.rawValue, kind: a.provider, endpoint: def))
                }
            }
        }
        var traffic: [Scenario.TrafficSpec] = []
        if let tr = f["traffic"] {
            for node in try tr.list() {
                traffic.append(try parseTraffic(node, tenants: allTenants, duration: duration, context: &context))
            }
        }
        var expectations: [Expectation] = []
        if let e = f["expect"] {
            for node in try e.list() { expectations.append(try parseExpectation(node)) }
        }
        var scenario = Scenario(
            name: name, description: try f["description"]?.string() ?? "", file: context.file, sourceHash: "",
            seed: seed, duration: duration, wire: wire, buckets: buckets, platform: platform, providers: providers,
            tenants: tenants, traffic: traffic, steps: steps.sorted { $0.at < $1.at }, expectations: expectations)
        if let fl = f["flags"] { scenario.flags = try ConfigReader.parseFlags(fl).0 }
        if let r = f["rag"] { scenario.rag = try parseRAG(r, tenants: allTenants, duration: duration, context: &context) }
        if let u = f["usage"] {
            // `drop` and `delay` are the first names of `ledger_failures` and `flush_every`.
            let uf = try u.fields(["reconcile_every", "flush_every", "ledger_failures", "fsync", "write_errors", "crashes", "restart_after",
                                   "drop", "delay"])
            let every = try uf.required("reconcile_every").duration()
            guard every.value >= 1_000_000_000 else { throw try uf.required("reconcile_every").error("reconcile at most once a second") }
            var spec = Scenario.UsageSpec(reconcileEvery: every)
            if let f = uf["flush_every"] ?? uf["delay"] {
                spec.flushEvery = try f.duration()
                guard spec.flushEvery.value >= 1_000_000 else { throw f.error("flush at most once a millisecond") }
            }
            if let f = uf["ledger_failures"] ?? uf["drop"] {
                spec.ledgerFailures = try f.fraction()
                guard spec.ledgerFailures < 1 else { throw f.error("some ledger writes must succeed (below 100%)") }
            }
            if let f = uf["fsync"] { spec.fsync = try f.duration() }
            if let w = uf["write_errors"] {
                spec.writeErrors = try w.fraction()
                guard spec.writeErrors < 1 else { throw w.error("some journal writes must succeed (below 100%)") }
            }
            if let c = uf["crashes"] { spec.crashes = try c.int(min: 0, max: 10_000) }
            if let r = uf["restart_after"] { spec.restartAfter = try r.duration() }
            scenario.usage = spec
        }
        // Flag steps must name declared features and tenants.
        let tenantIDs = Set(allTenants.map(\.id))
        for node in try f["steps"]?.list() ?? [] {
            let step = try parseStep(node, providers: providers, duration: duration)
            var feature: String?, tenant: String?
            switch step.action {
            case .setFlag(let f, let t, _): feature = f; tenant = t
            case .setRollout(let f, _): feature = f
            default: continue
            }
            if let feature, scenario.flags?.feature(named: feature) == nil {
                throw node.error("no feature '\(feature)' in the scenario's flags")
            }
            if let tenant, !tenantIDs.contains(tenant) { throw node.error("no tenant '\(tenant)'") }
        }
        return scenario
    }





    static func parseLatency(_ node: YAMLNode) throws -> LatencyDistribution {
        if node.isScalar { return .constant(try node.duration()) }
        let f = try node.fields(["p50", "p95", "min", "max", "mean", "stddev", "constant"])
        if let c = f["constant"] { return .constant(try c.duration()) }
        if let p50 = f["p50"] {
            let a = try p50.duration(), b = try f.required("p95").duration()
            guard b >= a else { throw try f.required("p95").error("p95 must be at least p50") }
            return .lognormal(p50: a, p95: b)
        }
        if let lo = f["min"] {
            let a = try lo.duration(), b = try f.required("max").duration()
            guard b >= a else { throw try f.required("max").error("max must be at least min") }
            return .uniform(min: a, max: b)
        }
        if let m = f["mean"] { return .normal(mean: try m.duration(), stddev: try f.required("stddev").duration()) }
        throw node.error("expected a duration, or {p50, p95} (log-normal), {min, max} (uniform), {mean, stddev} (normal)")
    }

    static func parseProviders(_ node: YAMLNode?, duration: Nanoseconds) throws -> [MockProviderProfile] {
        guard let node else { return [] }
        var out: [MockProviderProfile] = []
        for (name, p) in try node.mapping() {
            let f = try p.fields(["kind", "endpoint", "ttft", "tokens_per_second", "errors", "error_latency", "retry_after",
                                  "hallucination", "words_per_chunk", "outages"])
            let kind: ProviderKind
            if let k = f["kind"] { kind = try ConfigReader.parseKind(k) } else if let k = ProviderKind(rawValue: name) { kind = k } else {
                throw p.error("missing 'kind' (openai, anthropic, gemini or groq); it can be left out only when the name is a provider")
            }
            let endpoint = try f["endpoint"].map(ConfigReader.parseEndpoint) ?? Endpoint.parse(kind.defaultBaseURL).get()
            var profile = MockProviderProfile(name: name, kind: kind, endpoint: endpoint)
            if let t = f["ttft"] { profile.timeToFirstToken = try parseLatency(t) }
            if let t = f["tokens_per_second"] {
                profile.tokensPerSecond = try t.double()
                guard profile.tokensPerSecond > 0 else { throw t.error("must be greater than zero") }
            }
            if let e = f["errors"] {
                var total = 0.0
                for (key, v) in try e.mapping(allowed: MockProviderProfile.Failure.allCases.map(\.rawValue)) {
                    let rate = try v.fraction()
                    profile.errorRates[MockProviderProfile.Failure(rawValue: key)!] = rate
                    total += rate
                }
                guard total <= 1 else { throw e.error("the error rates add up to more than 100%") }
            }
            if let e = f["error_latency"] { profile.errorLatency = try parseLatency(e) }
            if let r = f["retry_after"] { profile.retryAfter = try r.duration() }
            if let h = f["hallucination"] { profile.hallucinationRate = try h.fraction() }
            if let w = f["words_per_chunk"] { profile.wordsPerChunk = try w.int(min: 1, max: 1000) }
            if let o = f["outages"] {
                for item in try o.list() {
                    let of = try item.fields(["from", "to", "for", "failure"])
                    let from = Instant.zero + (try of.required("from").duration())
                    let until: Instant
                    if let to = of["to"] { until = Instant.zero + (try to.duration()) } else { until = from + (try of.required("for").duration()) }
                    guard until > from else { throw item.error("the outage must end after it starts") }
                    profile.outages.append(.init(from: from, until: until, failure: try of["failure"].map(parseFailure) ?? .unavailable))
                }
            }
            out.append(profile)
        }
        return out
    }

    static func parseFailure(_ node: YAMLNode) throws -> MockProviderProfile.Failure {
        guard let f = MockProviderProfile.Failure(rawValue: try node.string()) else {
            throw node.error("expected one of: \(MockProviderProfile.Failure.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return f
    }



    static func parseTraffic(_ node: YAMLNode, tenants: [TenantSpec], duration: Nanoseconds, context: inout ConfigReader.Context) throws -> Scenario.TrafficSpec {
        let f = try node.fields(["tenant", "key", "rate", "arrival", "model", "models", "prompts", "stream", "abort", "max_tokens", "from", "until", "label"])
        let tenantNode = try f.required("tenant")
        let tenantID = try tenantNode.nonEmptyString()
        guard let tenant = tenants.first(where: { $0.id == tenantID }) else {
            throw tenantNode.error("no tenant '\(tenantID)' (declared: \(tenants.map(\.id).joined(separator: ", ")))")
        }
        let arrival: ArrivalProcess
        if let r = f["rate"] {
            arrival = .poisson(rate: try r.rate())
        } else if let a = f["arrival"] {
            arrival = try parseArrival(a)
        } else {
            throw node.error("give 'rate' (Poisson arrivals, like 2/s) or 'arrival'")
        }
        var models: [(String, Double)] = []
        if let m = f["model"] {
            models = [(try m.nonEmptyString(), 1)]
        } else if let m = f["models"] {
            for (alias, w) in try m.mapping() {
                let weight = try w.double()
                guard weight > 0 else { throw w.error("weights must be positive") }
                models.append((alias, weight))
            }
        }
        guard !models.isEmpty else { throw node.error("give 'model' (an alias) or 'models' (aliases with weights)") }
        var prompts = [Scenario.Prompt(id: "default", system: nil, context: [], question: nil, user: "Write one sentence about the weather.", answer: nil)]
        if let p = f["prompts"] {
            prompts = try PromptSetLoader.load(p, baseDirectory: context.baseDirectory, hasher: &context.hasher)
        }
        let from = Instant.zero + (try f["from"]?.duration() ?? .zero)
        let until = try f["until"].map { Instant.zero + (try $0.duration()) }
        if let u = until, u <= from { throw try f.required("until").error("'until' must be after 'from'") }
        if let k = f["key"], !tenant.keys.contains(try k.string()) { throw k.error("tenant '\(tenantID)' has no virtual key '\(try k.string())'") }
        var maxTokens: Int?
        if let m = f["max_tokens"] { maxTokens = try m.int(min: 1) }
        let stream = try f["stream"]?.fraction() ?? 0
        let abort = try f["abort"]?.fraction() ?? 0
        if abort > 0, stream == 0 { throw try f.required("abort").error("'abort' is the share of streamed calls the client leaves mid-stream; set 'stream' too") }
        var spec = Scenario.TrafficSpec(tenant: tenantID, key: try f["key"]?.string(), arrival: arrival, models: models, prompts: prompts,
                                        streamFraction: stream, maxTokens: maxTokens, from: from, until: until,
                                        label: try f["label"]?.string() ?? tenantID)
        spec.abortFraction = abort
        return spec
    }

    static func parseArrival(_ node: YAMLNode) throws -> ArrivalProcess {
        let f = try node.fields(["process", "rate", "every", "size", "spread", "mean", "peak", "peak_hour"])
        let process = try f.required("process")
        switch try process.string() {
        case "poisson":
            return .poisson(rate: try f.required("rate").rate())
        case "constant":
            if let e = f["every"] {
                let d = try e.duration()
                guard d.value > 0 else { throw e.error("must be longer than zero") }
                return .constant(interval: d)
            }
            let r = try f.required("rate").rate()
            guard r > 0 else { throw try f.required("rate").error("must be greater than zero") }
            return .constant(interval: .fromSeconds(1 / r))
        case "bursts":
            let rate = try f["rate"]?.rate() ?? 0
            let size = try f.required("size").int(min: 1, max: 1_000_000)
            let every = try f.required("every").duration()
            guard every.value > 0 else { throw try f.required("every").error("must be longer than zero") }
            return .bursts(rate: rate, size: size, every: every, spread: try f["spread"]?.duration() ?? .seconds(1))
        case "diurnal":
            let mean = try f.required("mean").rate()
            guard mean > 0 else { throw try f.required("mean").error("must be greater than zero") }
            let peak = try f["peak"]?.double() ?? 2
            guard peak >= 1, peak <= 2 else { throw try f.required("peak").error("the peak factor is the peak rate over the mean, from 1 to 2") }
            let hour = try f["peak_hour"]?.double() ?? 14
            return .diurnal(mean: mean, peakFactor: peak, peakHour: hour)
        default:
            throw process.error("expected poisson, constant, bursts or diurnal")
        }
    }

    static func parseStep(_ node: YAMLNode, providers: [MockProviderProfile], duration: Nanoseconds) throws -> Scenario.Step {
        let actions = ["switch_provider", "outage", "set_key", "add_tenant", "allowlist_add", "allowlist_remove", "suspend_tenant", "resume_tenant"]
            + platformActions + ["set_flag", "set_rollout", "restart_gateway", "crash_gateway"]
        let f = try node.fields(["at"] + actions)
        let at = Instant.zero + (try f.required("at").duration())
        let present = f.keys.filter { $0 != "at" }
        guard present.count == 1, let key = present.first, let body = f[key] else {
            throw node.error("a step has 'at' and exactly one action: \(actions.joined(separator: ", "))")
        }
        let action: Scenario.Step.Action
        switch key {
        case "switch_provider":
            let s = try body.fields(["tenant", "model", "to"])
            action = .switchProvider(tenant: try s.required("tenant").nonEmptyString(), alias: try s.required("model").nonEmptyString(), to: try ConfigReader.parseKind(try s.required("to")))
        case "outage":
            let s = try body.fields(["provider", "for", "failure"])
            let p = try s.required("provider")
            let providerName = try p.string()
            guard providers.contains(where: { $0.name == providerName }) || ProviderKind(rawValue: providerName) != nil else {
                throw p.error("no mock provider '\(providerName)' (declared: \(providers.map(\.name).joined(separator: ", ")))")
            }
            action = .outage(provider: providerName, duration: try s.required("for").duration(), failure: try s["failure"].map(parseFailure) ?? .unavailable)
        case "set_key":
            let s = try body.fields(["tenant", "provider", "key", "valid"])
            action = .setKey(tenant: try s.required("tenant").nonEmptyString(), provider: try ConfigReader.parseKind(try s.required("provider")),
                             key: try s.required("key").nonEmptyString(), valid: try s["valid"]?.bool() ?? true)
        case "add_tenant":
            let s = try body.mapping()
            guard s.count == 1 else { throw body.error("add one tenant: 'add_tenant: {ID: {keys: …, providers: …, models: …}}'") }
            action = .addTenant(try ConfigReader.parseTenant(id: s[0].key, s[0].value))
        case "allowlist_add": action = .allowlistAdd(try body.nonEmptyString())
        case "allowlist_remove": action = .allowlistRemove(try body.nonEmptyString())
        case "suspend_tenant": action = .suspendTenant(try body.nonEmptyString())
        case "resume_tenant": action = .resumeTenant(try body.nonEmptyString())
        case "set_flag":
            let s = try body.fields(["feature", "tenant", "enabled", "value", "clear"])
            let feature = try s.required("feature").nonEmptyString()
            let tenant = try s["tenant"]?.nonEmptyString()
            if try s["clear"]?.bool() == true {
                guard tenant != nil, s["enabled"] == nil else { throw body.error("'clear: true' removes a tenant's override: give 'tenant' and no 'enabled'") }
                action = .setFlag(feature: feature, tenant: tenant, state: nil)
            } else {
                action = .setFlag(feature: feature, tenant: tenant,
                                  state: FlagState(enabled: try s.required("enabled").bool(), value: try s["value"].map { try $0.json() }))
            }
        case "restart_gateway":
            action = .restartGateway
        case "crash_gateway":
            let c = try body.fields(["replica"])
            action = .crashGateway(replica: try c["replica"]?.int(min: 0, max: 63) ?? 0)
        case "set_rollout":
            let s = try body.fields(["feature", "percent"])
            var percent: Double?
            if let p = s["percent"], try p.string() != "none" {
                let v = try p.double()
                guard (0...100).contains(v) else { throw p.error("a percentage from 0 to 100, or none") }
                percent = v
            }
            action = .setRollout(feature: try s.required("feature").nonEmptyString(), percent: percent)
        default: action = .platform(try parsePlatformAction(key, body))
        }
        if at.nanoseconds > duration.value { throw try f.required("at").error("the step is after the end of the run (\(duration))") }
        return .init(at: at, action: action, line: node.line)
    }

    static func parseExpectation(_ node: YAMLNode) throws -> Expectation {
        var name: String?
        let exprNode: YAMLNode
        if node.isScalar {
            exprNode = node
        } else {
            let f = try node.fields(["name", "that"])
            name = try f["name"]?.string()
            exprNode = try f.required("that")
        }
        do {
            var e = try Expectation.parse(try exprNode.nonEmptyString())
            e.name = name
            e.line = exprNode.line
            return e
        } catch let e as Expectation.ParseError {
            throw ConfigFileError(file: exprNode.file, line: exprNode.line, column: exprNode.column + e.offset, message: e.message)
        }
    }
}
