import Config
import AsyncHTTPClient
import Flags
import Foundation
import Hummingbird
import Mocks
import Server
import PlatformAPI
import Logging
import NIOCore
import NIOHTTP1
import Base
import Gateway
import ServiceLifecycle

/// Starts servers on ephemeral loopback ports for a test and stops them afterwards.
struct LiveHarness {
    static let quiet: Logger = {
        var l = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        l.logLevel = .critical
        return l
    }()

    /// Writes a serve file at `path` with one tenant, `acme` (virtual key `dk-acme`, model
    /// `chat` on the mock providers at `port`), plus `extra` lines under the tenant, and loads it.
    static func acmeSettings(path: String, providerPort port: Int, extra: String = "", models: String = "chat: openai/gpt-4o-mini",
                             allowlist: String? = nil, metricsToken: String? = nil) throws -> ServeConfig {
        var yaml = metricsToken.map { "server: {metrics_token: \($0)}\n" } ?? ""
        yaml += """
        platform: {egress_allowlist: ["\(allowlist ?? "http://127.0.0.1:\(port)")"]}
        tenants:
          acme:
            keys: [dk-acme]
            providers: {openai: {key: sk-acme, endpoint: "http://127.0.0.1:\(port)/v1"}, gemini: {key: gm-acme, endpoint: "http://127.0.0.1:\(port)"}}
            models: {\(models)}

        """
        if !extra.isEmpty { yaml += "    \(extra)\n" }
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try ServeConfig.load(path: path, environment: [:])
    }

    /// Runs `apps` (each built with its port announcer), hands their ports to `body`,
    /// then shuts everything down gracefully.
    static func withApps<T: Sendable>(
        _ makers: [@Sendable (@escaping @Sendable (Int) -> Void) throws -> any Service],
        _ body: @Sendable ([Int]) async throws -> T
    ) async throws -> T {
        var services: [any Service] = []
        var ports: [Int] = []
        var groups: [ServiceGroup] = []
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            for make in makers {
                let (stream, continuation) = AsyncStream<Int>.makeStream()
                let service = try make { continuation.yield($0); continuation.finish() }
                services.append(service)
                let group = ServiceGroup(configuration: .init(services: [service], logger: quiet))
                groups.append(group)
                tasks.addTask { try await group.run() }
                var it = stream.makeAsyncIterator()
                guard let port = await it.next() else { throw LiveError("a test server did not start") }
                ports.append(port)
            }
            let result: Result<T, any Error>
            do { result = .success(try await body(ports)) } catch { result = .failure(error) }
            for g in groups.reversed() { await g.triggerGracefulShutdown() }
            try await tasks.waitForAll()
            return try result.get()
        }
    }

    /// A gateway for `settings`, built as ``PlatformServer`` builds it, with the parts the
    /// test gives (the Platform API, flags, plugins, Redis counters, a journal).
    static func gateway(_ settings: ServeConfig, transport: ProviderHTTPTransport, platformAPI: PlatformAPIRoutes? = nil,
                        flags: FlagRegistry? = nil, plugins: LivePlugins? = nil, sharedLimiter: RedisRateLimiter? = nil,
                        journal files: FileJournalFiles? = nil) throws -> LiveGateway {
        let clock = SystemTimeSource()
        let (core, _) = try settings.gatewayCore(epoch: clock.epoch, at: clock.now())
        let journal = try files.map { try JournalIO.open($0) }
        return LiveGateway(node: GatewayNode(core: core, replica: settings.replica, journal: journal), journalFiles: files, transport: transport,
                           logger: quiet, maxRequestBytes: settings.maxRequestBytes, metricsToken: settings.metricsToken,
                           platformAPI: platformAPI, flags: flags ?? FlagRegistry(FlagBook(definitions: settings.flags?.definitions ?? FlagDefinitions())),
                           flagsEnvironmentKey: settings.flags?.environmentKey, plugins: plugins, sharedLimiter: sharedLimiter)
    }

    static func app(_ router: Router<BasicRequestContext>, services: [any Service] = [],
                    announce: @escaping @Sendable (Int) -> Void) -> Application<RouterResponder<BasicRequestContext>> {
        Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), services: services,
                    onServerRunning: { announce($0.localAddress?.port ?? 0) }, logger: quiet)
    }
}

/// A small HTTP client for the tests (AsyncHTTPClient).
struct TestClient {
    let base: String

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String
        var json: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] }
        var errorCode: String? { (json?["error"] as? [String: Any])?["code"] as? String }
    }

    func post(_ path: String, key: String?, json: String) async throws -> Reply { try await call(.POST, path, key: key, json: json) }
    func put(_ path: String, key: String?, json: String) async throws -> Reply { try await call(.PUT, path, key: key, json: json) }
    func delete(_ path: String, key: String?) async throws -> Reply { try await call(.DELETE, path, key: key) }
    func get(_ path: String, key: String? = nil) async throws -> Reply { try await call(.GET, path, key: key) }

    /// A request with the key as a bearer token and, when given, a JSON body.
    func call(_ method: NIOHTTP1.HTTPMethod, _ path: String, key: String?, json: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let key { request.headers.add(name: "authorization", value: "Bearer " + key) }
        if let json {
            request.headers.add(name: "content-type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        return try await send(request)
    }

    func send(_ request: HTTPClientRequest) async throws -> Reply {
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(20))
        let body = try await response.body.collect(upTo: 16 << 20)
        var headers: [String: String] = [:]
        for h in response.headers { headers[h.name.lowercased()] = h.value }
        return Reply(status: Int(response.status.code), headers: headers, body: String(buffer: body))
    }

    static func chat(_ model: String, _ text: String, stream: Bool = false) -> String {
        let s = stream ? #","stream":true,"stream_options":{"include_usage":true}"# : ""
        return #"{"model":"\#(model)","messages":[{"role":"system","content":"Answer in one sentence."},{"role":"user","content":"\#(text)"}]\#(s)}"#
    }

    /// The assistant text and the usage of an SSE chat stream.
    static func assemble(_ sse: String) throws -> (text: String, usage: [String: Any]?, done: Bool) {
        var text = ""
        var usage: [String: Any]?
        var done = false
        for line in sse.split(separator: "\n") where line.hasPrefix("data: ") {
            let data = line.dropFirst(6)
            if data == "[DONE]" { done = true; continue }
            let obj = try JSONSerialization.jsonObject(with: Data(data.utf8)) as! [String: Any]
            if let u = obj["usage"] as? [String: Any] { usage = u }
            for choice in obj["choices"] as? [[String: Any]] ?? [] {
                if let c = (choice["delta"] as? [String: Any])?["content"] as? String { text += c }
            }
        }
        return (text, usage, done)
    }
}
