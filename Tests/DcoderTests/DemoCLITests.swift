import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing

/// `dcoder serve --demo`, through the real binary: one process serving the gateway, the
/// Platform API, the mock providers and the mock IdP.
@Suite(.serialized) struct DemoCLITests {
    /// The printed key answers a chat completion, the printed token lists the tenants as a
    /// platform administrator, the configuration is the documented file with the mocks'
    /// ports, and SIGINT stops everything with status 0.
    @Test func demoServesTheGatewayAndThePlatformAPIThenStopsOnSIGINT() async throws {
        let demo = try BackgroundCLI(["serve", "--demo", "--port", "0", "--log-level", "warning"])
        defer { demo.terminate() }
        let banner = try await demo.waitForOutput(containing: "Ctrl-C stops everything.", timeout: .seconds(90))
        let base = try #require(banner.firstMatch(of: /base URL\s+(http:\/\/127\.0\.0\.1:\d+)\/v1/)?.1).description
        let token = try #require(banner.firstMatch(of: /admin token \(valid for an hour\): (\S+)/)?.1).description
        let configPath = try #require(banner.firstMatch(of: /configuration\s+(\S+)/)?.1).description
        let providers = try #require(banner.firstMatch(of: /mock providers\s+http:\/\/(127\.0\.0\.1:\d+)/)?.1).description
        let issuer = try #require(banner.firstMatch(of: /mock IdP\s+http:\/\/(127\.0\.0\.1:\d+)\/oidc/)?.1).description
        #expect(banner.contains("acme    dk-demo-acme") && banner.contains("globex  dk-demo-globex"), "\(banner)")
        #expect(banner.contains("dcoder gateway listening on \(base) (2 tenant(s))"))

        // The configuration is the documented file, with the mocks' ports.
        let written = try String(contentsOfFile: configPath, encoding: .utf8)
            .replacingOccurrences(of: providers, with: "127.0.0.1:18100").replacingOccurrences(of: issuer, with: "127.0.0.1:18200")
        #expect(written == (try String(contentsOfFile: CLI.root + "/Docs/examples/demo-serve.yaml", encoding: .utf8)),
                "Sources/dcoder/DemoServeFile.swift is not a copy of Docs/examples/demo-serve.yaml")

        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            var chat = HTTPClientRequest(url: base + "/v1/chat/completions")
            chat.method = .POST
            chat.headers.add(name: "Authorization", value: "Bearer dk-demo-acme")
            chat.headers.add(name: "Content-Type", value: "application/json")
            chat.body = .bytes(ByteBuffer(string: #"{"model": "claude-3-5-haiku", "messages": [{"role": "user", "content": "Say hello"}]}"#))
            let answer = try await client.execute(chat, timeout: .seconds(30))
            let body = String(buffer: try await answer.body.collect(upTo: 1 << 20))
            #expect(answer.status == .ok && body.contains(#""chat.completion""#) && body.contains(#""model":"claude-3-5-haiku""#), "\(body)")

            var tenants = HTTPClientRequest(url: base + "/api/v1/tenants")
            tenants.headers.add(name: "Authorization", value: "Bearer \(token)")
            let list = try await client.execute(tenants, timeout: .seconds(30))
            let listed = String(buffer: try await list.body.collect(upTo: 1 << 20))
            #expect(list.status == .ok && listed.contains(#""acme""#) && listed.contains(#""globex""#), "\(list.status) \(listed)")

            var anonymous = HTTPClientRequest(url: base + "/api/v1/tenants")
            anonymous.method = .GET
            #expect(try await client.execute(anonymous, timeout: .seconds(30)).status == .unauthorized)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()

        // A second demo on the same port is refused before it starts anything.
        let port = try #require(base.split(separator: ":").last).description
        let second = try CLI.run(["serve", "--demo", "--port", port])
        #expect(second.status == 2 && second.err == "error: 127.0.0.1:\(port) is in use; choose another with --port P (0 picks a free one)\n", "\(second)")

        let status = try await demo.interrupt(timeout: .seconds(30))
        #expect(status == 0, "exit status \(status); stderr: \(demo.errors)")
    }

    /// `--demo` brings its own configuration and address.
    @Test func demoRefusesAConfigOrAHost() throws {
        let r = try CLI.run(["serve", "--demo", "--config", "Docs/examples/demo-serve.yaml"])
        #expect(r.status == 64 && r.err.contains("--demo brings its own configuration"), "\(r.status) \(r.err)")
        let h = try CLI.run(["serve", "--demo", "--host", "0.0.0.0"])
        #expect(h.status == 64 && h.err.contains("--demo listens on 127.0.0.1 only"), "\(h.status) \(h.err)")
    }
}

/// A `dcoder` process left running (a server), whose output is collected as it comes.
final class BackgroundCLI: Sendable {
    private let process: Process
    private let output = Mutex("")
    private let errorOutput = Mutex("")

    init(_ args: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: CLI.root)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        process = p
        out.fileHandleForReading.readabilityHandler = { [self] h in
            let d = h.availableData
            self.output.withLock { $0 += String(decoding: d, as: UTF8.self) }
        }
        err.fileHandleForReading.readabilityHandler = { [self] h in
            let d = h.availableData
            self.errorOutput.withLock { $0 += String(decoding: d, as: UTF8.self) }
        }
        try p.run()
    }

    var errors: String { errorOutput.withLock { $0 } }

    /// Everything printed so far, once it contains `needle`.
    func waitForOutput(containing needle: String, timeout: Duration) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = output.withLock { $0 }
            if text.contains(needle) { return text }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw CLIError("no '\(needle)' from dcoder; stdout: \(output.withLock { $0 }) stderr: \(errors)")
    }

    /// Sends SIGINT and returns the exit status.
    func interrupt(timeout: Duration) async throws -> Int32 {
        kill(process.processIdentifier, SIGINT)
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < deadline else { throw CLIError("dcoder still running \(timeout) after SIGINT") }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    func terminate() {
        if process.isRunning { process.terminate() }
    }
}

struct CLIError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
