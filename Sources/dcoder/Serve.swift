import Config
import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Mocks
import Server
import Logging
import Base
import Gateway

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the gateway as an HTTP server (OpenAI-compatible API).",
        discussion: """
        Serves POST /v1/chat/completions (streaming included), GET /v1/models, GET /healthz and \
        GET /readyz. Tenants, their virtual keys, their own provider keys and endpoints and their \
        model aliases come from the config file (see Docs/live.md); keys may be ${ENV_VAR} \
        references. Without --config the gateway starts with no tenants. SIGTERM or SIGINT stops \
        it gracefully: requests in flight are finished first. Logs go to standard error, one \
        JSON line per call (at log level info and below); keys are never logged.

        --demo runs a self-contained demo on loopback: the mock providers and the mock OIDC \
        identity provider in the same process (on free ports), and the gateway with the \
        Platform API configured by the built-in Docs/examples/demo-serve.yaml (tenants acme and \
        globex, keys dk-demo-acme and dk-demo-globex), its data in a fresh temporary folder and \
        a random platform key. It prints the base URL, the keys, example calls and a platform \
        administrator's token; Ctrl-C stops everything.
        """)

    @Flag(help: "Run the demo: mock providers, mock IdP and the gateway with the Platform API, in one process.")
    var demo = false

    @Option(help: "YAML configuration file.", completion: .file(extensions: ["yaml", "yml"]))
    var config: String?

    @Option(help: "Address to listen on (overrides the config; default 127.0.0.1).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (overrides the config; default 18000, with --demo too).")
    var port: Int?

    @Option(help: "Folder for the server's data (overrides the config; default .dcoder, with --demo a fresh temporary folder).")
    var data: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    func validate() throws {
        if demo, config != nil { throw ValidationError("--demo brings its own configuration (Docs/examples/demo-serve.yaml); drop --config") }
        if demo, host != nil { throw ValidationError("--demo listens on 127.0.0.1 only; drop --host") }
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be between 0 and 65535") }
    }

    func run() async throws {
        if demo {
            try await DemoPlatform(port: port ?? 18000, dataDirectory: data, logLevel: logLevel).run()
            return
        }
        var settings: ServeConfig
        do {
            settings = try config.map { try ServeConfig.load(path: $0, environment: ProcessInfo.processInfo.environment) } ?? ServeConfig.embeddedDefault()
        } catch let e as ConfigFileError {
            FileHandle.standardError.write(Data("error: \(e)\n".utf8))
            throw ExitCode(2)
        }
        if let host { settings.host = host }
        if let port { settings.port = port }
        if let data { settings.dataDirectory = data }
        let logger = try makeLogger("dcoder.gateway", level: logLevel)
        let server: PlatformServer
        do { server = try await PlatformServer.assemble(settings, logger: logger) } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
        // The tenants the gateway serves: the file's, or with the Platform API those loaded from the databases.
        let host = settings.host, tenants = server.gateway.tenantIDs.count
        try await server.application { port in
            announce("dcoder gateway listening on http://\(host):\(port) (\(tenants) tenant(s))")
        }.runService()
    }
}

struct MockProvidersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-providers",
        abstract: "Serve mock OpenAI, Anthropic, Gemini and Groq APIs on one port.",
        discussion: """
        The Lab's mock providers over HTTP, at the paths the real APIs use: OpenAI \
        /v1/chat/completions and /v1/embeddings, Anthropic /v1/messages, Gemini \
        /v1beta/models/{model}:generateContent and :streamGenerateContent (also under /v1/models/), \
        Groq /openai/v1/chat/completions. Each checks authentication the way that provider does \
        and answers in its wire format, errors included; any non-empty key is accepted. \
        GET /_mock/calls lists recent calls with a fingerprint of each key. See Docs/mock-providers.md.
        """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 18100

    @Option(help: "Seed of the mocks' content, failures and ids.")
    var seed: UInt64 = 1

    @Option(help: "Multiplier on the mocks' simulated latency (0 answers at once; 1 is the Lab's timing).")
    var latencyScale: Double = 0

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "warning"

    func run() async throws {
        guard latencyScale >= 0, latencyScale <= 100 else { throw ValidationError("--latency-scale must be between 0 and 100") }
        let logger = try makeLogger("dcoder.mock-providers", level: logLevel)
        let server = try MockProviderServer(seed: seed, latencyScale: latencyScale)
        let host = self.host
        let app = Application(
            router: server.router(),
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in
                announce("dcoder mock-providers listening on http://\(host):\(channel.localAddress?.port ?? 0)")
            },
            logger: logger)
        try await app.runService()
    }
}

struct MockIdentityProviderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-idp",
        abstract: "Serve the Lab's mock OIDC identity provider (for tests and demos only).",
        discussion: """
        Logto's layout: issuer http://HOST:PORT/oidc, discovery at /oidc/.well-known/openid-configuration,         keys at /oidc/jwks. POST /oidc/token with a JSON object of claims (sub and aud required;         organization_id, organization_roles, roles as Logto sends them) returns {"access_token": …}.         Anyone who can reach it can mint any token: never expose it. See Docs/identity.md.
        """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on.")
    var port = 18200

    @Option(help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "warning"

    func run() async throws {
        guard port > 0 else { throw ValidationError("--port must be a fixed port: the issuer URL contains it") }
        let logger = try makeLogger("dcoder.mock-idp", level: logLevel)
        let server = MockIdentityProviderServer()
        let host = self.host, port = self.port
        try server.bind(base: "http://\(host):\(port)")
        let app = Application(
            router: server.router(),
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { _ in announce("dcoder mock-idp listening; issuer http://\(host):\(port)/oidc") },
            logger: logger)
        try await app.runService()
    }
}

struct MockConnectorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-connectors",
        abstract: "Serve mock Slack, Teams, Jira and Microsoft Graph endpoints (for tests and demos).",
        discussion: """
        Enough of each service for the connectors: Slack incoming webhooks (/services/…), Teams \
        webhooks (/webhookb2/…, /workflows/…), Jira Cloud (/rest/api/3/issue, /rest/api/3/myself), \
        Microsoft Graph (/{directory}/oauth2/v2.0/token, /v1.0/sites/{site}/drive/…). \
        GET /_mock/received lists what they accepted. See Docs/plugins.md.
        """)

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 18300

    func run() async throws {
        let logger = try makeLogger("dcoder.mock-connectors", level: "warning")
        let host = self.host
        let app = Application(
            router: MockConnectorServer().router(),
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in announce("dcoder mock-connectors listening on http://\(host):\(channel.localAddress?.port ?? 0)") },
            logger: logger)
        try await app.runService()
    }
}

/// Prints the one line scripts wait for (with the bound port), and flushes it.
func announce(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

func makeLogger(_ label: String, level: String) throws -> Logger {
    guard let l = Logger.Level(rawValue: level) else {
        throw ValidationError("unknown log level '\(level)'; use trace, debug, info, notice, warning, error or critical")
    }
    var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = l
    return logger
}

/// The gateway benchmark's baseline (see `BareForwarder`); not for production.
struct ForwarderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forwarder",
        abstract: "Run the bare forwarder that the gateway benchmark uses as its baseline.",
        discussion: """
        Forwards POST /v1/chat/completions (body and Authorization header) to UPSTREAM/chat/completions \
        and the answer back, with no authentication, routing, translation or accounting. \
        Scripts/bench-gateway compares dcoder serve with it in the same run.
        """)

    @Option(help: "Upstream base URL (its /chat/completions receives the calls).")
    var upstream: String

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one.")
    var port = 18200

    func run() async throws {
        let logger = try makeLogger("dcoder.forwarder", level: "warning")
        // The same pool settings as the gateway's transport, so the comparison is fair.
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: ProviderHTTPTransport.clientConfiguration(.init()))
        let host = self.host
        let app = Application(
            router: BareForwarder(upstream: upstream, client: client).router(),
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { announce("dcoder forwarder listening on http://\(host):\($0.localAddress?.port ?? 0)") },
            logger: logger)
        try await app.runService()
        try await client.shutdown()
    }
}
