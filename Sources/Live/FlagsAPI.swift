import Flags
import Foundation
import HTTPTypes
import Hummingbird
import Lab
import NIOCore
import Yams

/// Platform feature flags from the configuration, in the Flagsmith model, served with
/// Flagsmith's read API so that the official Flagsmith SDKs work against the gateway:
/// `GET /api/v1/flags/` (environment flags) and `POST /api/v1/identities/` (the flags of an
/// identity with traits), authenticated by the `X-Environment-Key` header.
///
/// ```yaml
/// flags:
///   environment_key: ser.platform-demo
///   features:
///     connectors.slack: false                          # a flag without a value
///     rag.retrieval: {enabled: true, value: hybrid}
///     new-ui: {enabled: true, value: control, variants: [{value: treatment, weight: 30}]}
///   segments:
///     enterprise:
///       rules: [{type: ALL, conditions: [{property: plan, operator: EQUAL, value: enterprise}]}]
///       overrides: {connectors.slack: true}
/// ```
///
/// Features are numbered in declaration order (Flagsmith's feature ids, which also seed
/// percentage splits and variant allocation), so keep the order when editing.
public struct FlagsConfig: Sendable {
    public var environmentKey: String
    /// The evaluation context without an identity (features and segments in engine form).
    let features: OrderedMap<Flags.JSONValue>
    let segments: OrderedMap<Flags.JSONValue>
    let featureIDs: [String: Int]

    /// Reads the `flags:` section, checking it by building an evaluation context.
    static func parse(_ node: YAMLNode, secret: (YAMLNode) throws -> String) throws -> FlagsConfig {
        let f = try node.fields(["environment_key", "features", "segments"])
        let key = try secret(f.required("environment_key"))
        var features: [(String, Flags.JSONValue)] = []
        var ids: [String: Int] = [:]
        for (i, (name, spec)) in try (f["features"]?.mapping() ?? []).enumerated() {
            let id = i + 1
            ids[name] = id
            features.append((name, try feature(name: name, id: id, spec)))
        }
        var segments: [(String, Flags.JSONValue)] = []
        for (j, (name, spec)) in try (f["segments"]?.mapping() ?? []).enumerated() {
            let sf = try spec.fields(["rules", "overrides"])
            var overrides: [Flags.JSONValue] = []
            for (featureName, o) in try sf["overrides"]?.mapping() ?? [] {
                guard let id = ids[featureName] else { throw o.error("no feature '\(featureName)' in flags.features") }
                overrides.append(try feature(name: featureName, id: id, o, allowVariants: false))
            }
            segments.append((String(j + 1), .object(OrderedMap([
                ("key", .string(String(j + 1))), ("name", .string(name)),
                ("rules", try convert(sf.required("rules").yams, conditionValue: false)),
                ("overrides", .array(overrides)),
            ]))))
        }
        let config = FlagsConfig(environmentKey: key, features: OrderedMap(features), segments: OrderedMap(segments), featureIDs: ids)
        do { _ = try config.context(identity: nil) } catch { throw node.error("\(error)") }
        return config
    }

    private static func feature(name: String, id: Int, _ spec: YAMLNode, allowVariants: Bool = true) throws -> Flags.JSONValue {
        var enabled = false
        var value: Flags.JSONValue = .null
        var variants: [Flags.JSONValue] = []
        if spec.isScalar {
            enabled = try spec.bool()
        } else {
            let f = try spec.fields(allowVariants ? ["enabled", "value", "variants"] : ["enabled", "value"])
            enabled = try f.required("enabled").bool()
            if let v = f["value"] { value = try convert(v.yams, conditionValue: false) }
            for (k, v) in try (f["variants"]?.list() ?? []).enumerated() {
                let vf = try v.fields(["value", "weight"])
                let weight = try vf.required("weight").double()
                guard (0...100).contains(weight) else { throw try vf.required("weight").error("a weight is a percentage from 0 to 100") }
                variants.append(.object(OrderedMap([
                    ("value", try convert(vf.required("value").yams, conditionValue: false)),
                    ("weight", .double(weight)), ("priority", .int(k + 1)), ("key", .string("\(id)-\(k + 1)")),
                ])))
            }
        }
        var members: [(String, Flags.JSONValue)] = [("key", .string(String(id))), ("name", .string(name)), ("enabled", .bool(enabled)), ("value", value)]
        if !variants.isEmpty { members.append(("variants", .array(variants))) }
        return .object(OrderedMap(members))
    }

    /// YAML → JSON for the engine, keeping member order. Condition values are text in
    /// Flagsmith (`"5"`, `"1.2.0:semver"`, `"a,b"`), so scalars under `value` in rules
    /// become strings.
    static func convert(_ node: Node, conditionValue: Bool) throws -> Flags.JSONValue {
        switch node {
        case .scalar(let s):
            if conditionValue || s.style == .singleQuoted || s.style == .doubleQuoted { return .string(s.string) }
            if node.null != nil, s.string.isEmpty || s.string == "null" || s.string == "~" { return .null }
            if let b = node.bool { return .bool(b) }
            if let i = node.int { return .int(i) }
            if let d = node.float { return .double(d) }
            return .string(s.string)
        case .mapping(let m):
            var members: [(String, Flags.JSONValue)] = []
            for (k, v) in m {
                let key = k.string ?? ""
                members.append((key, try convert(v, conditionValue: key == "value" && !v.isSequence)))
            }
            return .object(OrderedMap(members))
        case .sequence(let seq):
            return .array(try seq.map { try convert($0, conditionValue: conditionValue) })
        case .alias:
            return .null
        }
    }

    /// The evaluation context for an identity (or for the environment alone).
    func context(identity: (identifier: String, traits: [(String, Flags.JSONValue)])?) throws -> EvaluationContext {
        var members: [(String, Flags.JSONValue)] = [
            ("environment", .object(OrderedMap([("key", .string(environmentKey)), ("name", .string("platform"))]))),
            ("features", .object(features)),
            ("segments", .object(segments)),
        ]
        if let identity {
            members.append(("identity", .object(OrderedMap([
                ("identifier", .string(identity.identifier)),
                ("traits", .object(OrderedMap(identity.traits))),
            ]))))
        }
        return try EvaluationContext(json: .object(OrderedMap(members)), path: "context")
    }

    /// Flagsmith's API form of evaluated flags, in feature order.
    func apiFlags(_ result: EvaluationResult) -> Flags.JSONValue {
        .array(result.flags.values.map { flag in
            let id = featureIDs[flag.name] ?? 0
            var members: [(String, Flags.JSONValue)] = [
                ("id", .int(id)),
                ("feature", .object(OrderedMap([("id", .int(id)), ("name", .string(flag.name)), ("type", .string("STANDARD"))]))),
                ("feature_state_value", flag.value), ("enabled", .bool(flag.enabled)),
                ("environment", .int(1)), ("identity", .null), ("feature_segment", .null), ("reason", .string(flag.reason)),
            ]
            if let v = flag.variant { members.append(("variant", .string(v))) }
            return .object(OrderedMap(members))
        })
    }
}

extension Node {
    var isSequence: Bool { if case .sequence = self { return true } else { return false } }
}

/// The Flagsmith-compatible routes.
struct FlagsRoutes: Sendable {
    let config: FlagsConfig

    func add(to router: Router<BasicRequestContext>) {
        // The router treats `/api/v1/flags` and `/api/v1/flags/` (the SDKs' form) alike.
        router.get("/api/v1/flags/") { request, _ in try environmentFlags(request) }
        router.post("/api/v1/identities/") { request, _ in await identityFlags(request) }
    }

    static let environmentKeyHeader = HTTPField.Name("X-Environment-Key")!

    func authorized(_ request: Request) -> Bool {
        guard let key = request.headers[Self.environmentKeyHeader] else { return false }
        return key.utf8.count == config.environmentKey.utf8.count && zip(key.utf8, config.environmentKey.utf8).allSatisfy(==)
    }

    static func detail(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let body = Flags.JSONValue.object(OrderedMap([("detail", .string(message))])).serialized(pretty: false, sortedKeys: false)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func json(_ value: Flags.JSONValue) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(string: value.serialized(pretty: false, sortedKeys: false))))
    }

    func environmentFlags(_ request: Request) throws -> Response {
        guard authorized(request) else { return Self.detail(.unauthorized, "Invalid or missing X-Environment-Key header.") }
        return Self.json(config.apiFlags(FlagEngine.evaluate(try config.context(identity: nil))))
    }

    func identityFlags(_ request: Request) async -> Response {
        guard authorized(request) else { return Self.detail(.unauthorized, "Invalid or missing X-Environment-Key header.") }
        var request = request
        guard let body = try? await request.collectBody(upTo: 1 << 20),
              let parsed = try? Flags.JSONValue.parse(String(buffer: body)),
              case .string(let identifier)? = parsed["identifier"], !identifier.isEmpty else {
            return Self.detail(.badRequest, "The body must be {\"identifier\": \"…\", \"traits\": [{\"trait_key\": \"…\", \"trait_value\": …}]}.")
        }
        var traits: [(String, Flags.JSONValue)] = []
        if case .array(let list)? = parsed["traits"] {
            for t in list {
                guard case .string(let k)? = t["trait_key"] else { return Self.detail(.badRequest, "Every trait needs a string trait_key.") }
                traits.append((k, t["trait_value"] ?? .null))
            }
        }
        do {
            let result = FlagEngine.evaluate(try config.context(identity: (identifier, traits)))
            let echo = Flags.JSONValue.array(traits.map { .object(OrderedMap([("trait_key", .string($0.0)), ("trait_value", $0.1)])) })
            return Self.json(.object(OrderedMap([("identifier", .string(identifier)), ("flags", config.apiFlags(result)), ("traits", echo)])))
        } catch {
            return Self.detail(.badRequest, "\(error)")
        }
    }
}
