import Foundation
import Base
import Gateway

/// The live server's configuration file (YAML).
///
/// ```yaml
/// server:   {host: 127.0.0.1, port: 18000, max_request_bytes: 4194304, data: .dcoder, replica: gateway-1}
/// platform: {egress_allowlist: [api.openai.com, "http://127.0.0.1:18100"], upstream_timeout: 60s}
/// tenants:
///   acme:
///     keys: [dk-demo-acme]
///     providers: {openai: {key: "${ACME_OPENAI_KEY}", endpoint: "http://127.0.0.1:18100/v1"}}
///     models: {gpt-4o-mini: openai/gpt-4o-mini}
/// ```
///
/// `platform` and `tenants` are read by the same code as a Lab scenario's (see
/// Docs/scenarios.md), so a tenant tried in the Lab deploys unchanged. Keys (virtual and
/// provider) may be `${ENV_VAR}` references, expanded from the environment the CLI
/// passes in; an unset variable is an error that names it and its line.
public struct ServeConfig: Sendable {
    public var host = "127.0.0.1"
    public var port = 18000
    public var maxRequestBytes = 4 * 1024 * 1024
    public var dataDirectory = ".dcoder"
    /// Where rate-limit counters live: nil for `local` (in process), else a Redis URL
    /// (replicas sharing it enforce one limit).
    public var counters: String?
    /// The bearer token that `GET /metrics` requires; without one, metrics are not served.
    public var metricsToken: String?
    /// This process's name among the gateway's replicas: its usage rows carry it, and
    /// reconciliation compares its counters with its own rows. Each replica sharing a
    /// database needs its own, kept across restarts.
    public var replica = "gateway-1"
    public var platform: PlatformSpec
    public var tenants: [TenantSpec] = []
    /// Platform feature flags, served with Flagsmith's read API (see ``FlagsConfig``).
    public var flags: FlagsConfig?
    /// The Platform API (`/api/v1`): its OIDC issuer and audience, and where tenants live.
    public var platformAPI: PlatformAPISettings?

    public struct PlatformAPISettings: Sendable {
        public var issuer: String
        public var audience: String
        /// PostgreSQL URL; SQLite under the data folder when absent.
        public var databaseURL: String?
        /// The platform key that seals provider keys at rest: 32 bytes in base64, normally
        /// `${DCODER_SECRET_KEY}` from the environment.
        public var secretKey: String
        /// The key's id, recorded with every sealed secret (rotate by changing both).
        public var secretKeyID: String
        /// How often the gateway's counters are reconciled with the usage ledger.
        public var reconcileEvery: Duration = .seconds(300)
        /// An access model and policy replacing the defaults (paths relative to the config file).
        public var policyModel: String?
        public var policyFile: String?
        /// How ingestion reads PDFs: the built-in extractor, or poppler's `pdftotext`.
        public var pdfExtractor: PDFExtractorKind = .builtin
    }

    /// `platform_api.pdf_extractor`: `builtin` (in process, the default) or `pdftotext`
    /// (poppler's program, which must then be installed).
    public enum PDFExtractorKind: String, Sendable, CaseIterable {
        case builtin, pdftotext
    }

    /// The configuration without a file: no tenants, the providers' public hosts allowed.
    public static func embeddedDefault() throws -> ServeConfig {
        var context = ConfigReader.Context(file: "<default>", baseDirectory: ".")
        return ServeConfig(platform: try ConfigReader.parsePlatform(nil, context: &context))
    }

    public static func load(path: String, environment: [String: String]) throws -> ServeConfig {
        let text = try ConfigReader.readText(path, from: nil)
        let root = try YAMLNode.parse(text, file: path)
        var context = ConfigReader.Context(file: path, baseDirectory: (path as NSString).deletingLastPathComponent)
        let f = try root.fields(["server", "platform", "tenants", "flags", "platform_api"])
        var config = ServeConfig(platform: try ConfigReader.parsePlatform(f["platform"], replicas: false, context: &context))
        if let s = f["server"] {
            let sf = try s.fields(["host", "port", "max_request_bytes", "data", "counters", "metrics_token", "replica"])
            if let r = sf["replica"] {
                let name = try r.nonEmptyString()
                guard name.utf8.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) else {
                    throw r.error("a replica name has up to 64 letters, digits, '-', '_' or '.'")
                }
                config.replica = name
            }
            if let m = sf["metrics_token"] {
                let token = try expand(m, environment)
                guard token.utf8.count >= 16 else { throw m.error("a metrics token has at least 16 characters") }
                config.metricsToken = token
            }
            if let c = sf["counters"] {
                let v = try expand(c, environment)
                guard v == "local" || v.hasPrefix("redis://") else { throw c.error("expected 'local' or a redis://host:port/db URL") }
                config.counters = v == "local" ? nil : v
            }
            if let h = sf["host"] { config.host = try h.nonEmptyString() }
            if let p = sf["port"] { config.port = try p.int(min: 0, max: 65535) }
            if let m = sf["max_request_bytes"] { config.maxRequestBytes = try m.int(min: 1024, max: 1 << 30) }
            if let d = sf["data"] { config.dataDirectory = try d.nonEmptyString() }
        }
        if let t = f["tenants"] {
            for (id, node) in try t.mapping() {
                config.tenants.append(try ConfigReader.parseTenant(id: id, node) { try expand($0, environment) })
            }
        }
        if let fl = f["flags"] { config.flags = try FlagsConfig.parse(fl) { try expand($0, environment) } }
        if let api = f["platform_api"] {
            let af = try api.fields(["oidc_issuer", "oidc_audience", "database_url", "secret_key", "secret_key_id", "policy_model", "policy",
                                     "reconcile_every", "pdf_extractor"])
            let base = (path as NSString).deletingLastPathComponent
            func relative(_ node: YAMLNode?) throws -> String? {
                try node.map { n in
                    let p = try n.nonEmptyString()
                    let full = p.hasPrefix("/") ? p : (base as NSString).appendingPathComponent(p)
                    guard FileManager.default.fileExists(atPath: full) else { throw n.error("no such file '\(full)'") }
                    return full
                }
            }
            let model = try relative(af["policy_model"]), policy = try relative(af["policy"])
            if (model == nil) != (policy == nil) {
                throw api.error("give both 'policy_model' and 'policy' (a Casbin model and its policy), or neither")
            }
            config.platformAPI = PlatformAPISettings(
                issuer: try af.required("oidc_issuer").nonEmptyString(), audience: try af.required("oidc_audience").nonEmptyString(),
                databaseURL: try af["database_url"].map { try expand($0, environment) },
                secretKey: try expand(try af.required("secret_key"), environment),
                secretKeyID: try af["secret_key_id"]?.nonEmptyString() ?? "platform-1",
                policyModel: model, policyFile: policy)
            if let r = af["reconcile_every"] {
                let d = try r.duration()
                guard d.value >= 1_000_000_000 else { throw r.error("reconcile at most once a second") }
                config.platformAPI?.reconcileEvery = d.duration
            }
            if let e = af["pdf_extractor"] {
                let name = try e.nonEmptyString()
                guard let kind = PDFExtractorKind(rawValue: name) else {
                    throw e.error("pdf_extractor is 'builtin' (in process) or 'pdftotext' (poppler's program), not '\(name)'")
                }
                config.platformAPI?.pdfExtractor = kind
            }
        }
        return config
    }

    /// Expands `${NAME}` references in a secret's value.
    static func expand(_ node: YAMLNode, _ environment: [String: String]) throws -> String {
        let raw = try node.nonEmptyString()
        var out = ""
        var rest = Substring(raw)
        while let open = rest.range(of: "${") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else { throw node.error("unclosed '${' in a secret reference") }
            let name = String(rest[open.upperBound..<close])
            guard !name.isEmpty, name.allSatisfy({ $0 == "_" || $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
                throw node.error("'${\(name)}' is not an environment variable name")
            }
            guard let value = environment[name], !value.isEmpty else {
                throw node.error("environment variable \(name) is not set (referenced as ${\(name)})")
            }
            out += value
            rest = rest[rest.index(after: close)...]
        }
        out += rest
        return out
    }
}
