import ArgumentParser
import Base
import Config
import Foundation
import Hummingbird
import Logging
import Mocks
import Server
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// `dcoder serve --demo`: the gateway with the Platform API, the mock providers and the mock
/// OIDC identity provider, in one process on loopback.
///
/// The configuration is `Docs/examples/demo-serve.yaml` (built in, ``DemoServeFile``) with
/// the mocks' addresses replaced by the ports they got, written into a fresh data folder
/// and read by ``ServeConfig/load(path:environment:)`` like any serve file; the platform key
/// its `${DCODER_SECRET_KEY}` names is random for each run.
///
/// The three servers are services of one group, started in this order (the mocks first;
/// the gateway is assembled once both listen) and stopped in reverse on SIGINT or SIGTERM.
struct DemoPlatform {
    var port: Int
    /// The data folder; a fresh temporary one when nil.
    var dataDirectory: String?
    var logLevel: String

    static let host = "127.0.0.1"
    /// The subject of the platform administrator's token the demo prints.
    static let adminSubject = "demo-admin"

    func run() async throws {
        let gatewayLogger = try makeLogger("dcoder.gateway", level: logLevel)
        let mockLogger = try makeLogger("dcoder.demo", level: "warning")
        // Refused before anything starts: a gateway that fails to bind after assembly runs its
        // clean-up under cancellation, which can trap closing the tenants' SQLite databases
        // (seen with plain `dcoder serve` too).
        if port != 0, !Self.canListen(port: port) {
            FileHandle.standardError.write(Data("error: \(Self.host):\(port) is in use; choose another with --port P (0 picks a free one)\n".utf8))
            throw ExitCode(2)
        }
        let data = try dataDirectory ?? Self.makeTemporaryFolder()

        let (providerPorts, providerPort) = AsyncStream.makeStream(of: Int.self)
        let (idpPorts, idpPort) = AsyncStream.makeStream(of: Int.self)
        let mocks = try MockProviderServer(seed: 1)
        let providers = Application(
            router: mocks.router(), configuration: .init(address: .hostname(Self.host, port: 0)),
            onServerRunning: { providerPort.yield($0.localAddress?.port ?? 0); providerPort.finish() },
            logger: mockLogger)
        let idpServer = MockIdentityProviderServer()
        let idp = Application(
            router: idpServer.router(), configuration: .init(address: .hostname(Self.host, port: 0)),
            onServerRunning: { channel in
                // The issuer contains the port, so the provider is made once it is known (before
                // anyone else can know the port to call it).
                let port = channel.localAddress?.port ?? 0
                _ = try? idpServer.bind(base: "http://\(Self.host):\(port)")
                idpPort.yield(port); idpPort.finish()
            },
            logger: mockLogger)
        let gateway = DemoGatewayService(
            demo: self, data: data, providerPorts: providerPorts, idpPorts: idpPorts, idpServer: idpServer, logger: gatewayLogger)
        // Started in this order, stopped in the reverse one: the gateway first, the mocks last.
        let group = ServiceGroup(services: [providers, idp, gateway], gracefulShutdownSignals: [.sigterm, .sigint], logger: mockLogger)
        try await group.run()
    }

    /// Whether a listener could bind `127.0.0.1:port` now (with `SO_REUSEADDR`, as the
    /// server sets it).
    static func canListen(port: Int) -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return true }   // let the server report it
        defer { close(fd) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }

    static func makeTemporaryFolder() throws -> String {
        let path = (NSTemporaryDirectory() as NSString).appendingPathComponent("dcoder-demo-\(UUID().uuidString.prefix(8).lowercased())")
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A platform key for this run: 32 random bytes in base64.
    static func randomSecretKey() -> String {
        var random = SystemRandomNumberGenerator()
        return Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &random) }).base64EncodedString()
    }

    /// The demo's serve file with the mocks' ports.
    static func configuration(providersPort: Int, idpPort: Int) -> String {
        DemoServeFile.text
            .replacingOccurrences(of: DemoServeFile.mockProvidersAddress, with: "\(host):\(providersPort)")
            .replacingOccurrences(of: DemoServeFile.mockIdentityProviderAddress, with: "\(host):\(idpPort)")
    }
}

/// The demo's gateway: waits for the mocks' ports, writes and loads the configuration,
/// assembles the platform, prints how to use it, and serves until the group shuts down.
private struct DemoGatewayService: Service {
    let demo: DemoPlatform
    let data: String
    let providerPorts: AsyncStream<Int>
    let idpPorts: AsyncStream<Int>
    let idpServer: MockIdentityProviderServer
    let logger: Logger

    func run() async throws {
        let ports = await cancelWhenGracefulShutdown { () async -> (Int, Int)? in
            var p = providerPorts.makeAsyncIterator(), i = idpPorts.makeAsyncIterator()
            guard let providers = await p.next(), let idp = await i.next() else { return nil }
            return (providers, idp)
        }
        guard case let (providersPort, idpPort)? = ports else { return }   // stopped before the mocks listened

        let configPath = (data as NSString).appendingPathComponent("demo-serve.yaml")
        var settings: ServeConfig
        do {
            try DemoPlatform.configuration(providersPort: providersPort, idpPort: idpPort).write(toFile: configPath, atomically: true, encoding: .utf8)
            var environment = ProcessInfo.processInfo.environment
            environment["DCODER_SECRET_KEY"] = DemoPlatform.randomSecretKey()
            settings = try ServeConfig.load(path: configPath, environment: environment)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        settings.host = DemoPlatform.host
        settings.port = demo.port
        settings.dataDirectory = data
        guard let api = settings.platformAPI, let idp = idpServer.identityProvider else {
            FileHandle.standardError.write(Data("error: the demo configuration has no platform_api, or the mock IdP did not start\n".utf8))
            throw ExitCode(2)
        }
        let token: String
        do {
            var claims = idp.standardClaims(subject: DemoPlatform.adminSubject, audience: api.audience, issuedAt: SystemTimeSource().currentDate())
            claims["roles"] = .array([.string("platform-admin")])
            token = try await idp.sign(claims)
        } catch {
            FileHandle.standardError.write(Data("error: the mock IdP could not sign a token: \(error)\n".utf8))
            throw ExitCode(2)
        }

        let server: PlatformServer
        do { server = try await PlatformServer.assemble(settings, logger: logger) } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let banner = DemoBanner(settings: settings, data: data, configPath: configPath, providersPort: providersPort,
                                issuer: api.issuer, audience: api.audience, token: token)
        try await server.application { port in announce(banner.text(gatewayPort: port)) }.run()
    }
}

/// What `dcoder serve --demo` prints once the gateway listens.
struct DemoBanner: Sendable {
    var tenants: [(id: String, keys: [String], models: [String])]
    var data: String
    var configPath: String
    var providersPort: Int
    var issuer: String
    var audience: String
    var token: String

    init(settings: ServeConfig, data: String, configPath: String, providersPort: Int, issuer: String, audience: String, token: String) {
        tenants = settings.tenants.map { ($0.id, $0.keys, $0.aliases.map(\.name)) }
        self.data = data; self.configPath = configPath; self.providersPort = providersPort
        self.issuer = issuer; self.audience = audience; self.token = token
    }

    func text(gatewayPort port: Int) -> String {
        let host = DemoPlatform.host
        let base = "http://\(host):\(port)"
        let key = tenants.first?.keys.first ?? "dk-demo-acme"
        let models = tenants.first?.models ?? []
        let model = models.first ?? "gpt-4o-mini"
        let width = tenants.map(\.id.count).max() ?? 0
        let keys = tenants.map { "  \($0.id.padding(toLength: width, withPad: " ", startingAt: 0))  \($0.keys.joined(separator: ", "))" }
        let claims = #"{"sub":"\#(DemoPlatform.adminSubject)","aud":"\#(audience)","roles":["platform-admin"]}"#
        return """
        dcoder gateway listening on \(base) (\(tenants.count) tenant(s))

        dcoder demo: the gateway, the Platform API, the mock providers and the mock IdP, in one process on loopback.
          base URL        \(base)/v1
          mock providers  http://\(host):\(providersPort) (OpenAI, Anthropic, Gemini and Groq; GET /_mock/calls)
          mock IdP        \(issuer)
          configuration   \(configPath) (Docs/examples/demo-serve.yaml with these ports)
          data            \(data) (kept after exit)

        Virtual keys, by tenant:
        \(keys.joined(separator: "\n"))
        Models: \(models.joined(separator: ", "))

        A chat completion:
          curl -s \(base)/v1/chat/completions -H "Authorization: Bearer \(key)" -H "Content-Type: application/json" -d '{"model": "\(model)", "messages": [{"role": "user", "content": "Say hello"}]}'

        With the openai SDK (pip install openai):
          from openai import OpenAI
          client = OpenAI(base_url="\(base)/v1", api_key="\(key)")
          print(client.chat.completions.create(model="\(model)", messages=[{"role": "user", "content": "Say hello"}]).choices[0].message.content)

        The Platform API (\(base)/api/v1) as a platform administrator: a token from the mock IdP, then a call:
          TOKEN=$(curl -s -X POST \(issuer)/token -d '\(claims)' | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')
          curl -s \(base)/api/v1/tenants -H "Authorization: Bearer $TOKEN"
        admin token (valid for an hour): \(token)

        Ctrl-C stops everything.
        """
    }
}
