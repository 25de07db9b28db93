import Config
import Flags
import Foundation
@testable import Mocks
@testable import Server
import Base
import Gateway
import Retrieval
import Testing

struct ServeConfigTests {
    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("serve-\(UUID().uuidString).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func secretsExpandFromTheEnvironment() throws {
        let path = try write("""
        server: {port: 0}
        tenants:
          acme:
            keys: ["${ACME_VK}"]
            providers: {openai: {key: "sk-${ACME_SUFFIX}"}}
            models: {chat: openai/gpt-4o-mini}
        """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let c = try ServeConfig.load(path: path, environment: ["ACME_VK": "dk-1", "ACME_SUFFIX": "abc"])
        #expect(c.port == 0 && c.tenants.first?.keys == ["dk-1"] && c.tenants.first?.accounts.first?.key == "sk-abc")
    }

    @Test func anUnsetVariableNamesItselfAndItsLine() throws {
        let path = try write("""
        tenants:
          acme:
            keys: [dk-1]
            providers:
              openai: {key: "${MISSING_KEY}"}
        """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try ServeConfig.load(path: path, environment: [:])
            Issue.record("expected an error")
        } catch let e as ConfigFileError {
            #expect(e.line == 5 && e.message.contains("MISSING_KEY") && e.file == path)
        }
    }

    @Test func platformAPISectionReadsTheSecretKeyAndPolicyFiles() throws {
        let path = try write("""
        platform_api:
          oidc_issuer: https://acme.logto.app/oidc
          oidc_audience: https://api.dcoder.test
          secret_key: "${DCODER_SECRET_KEY}"
          policy_model: \(FileManager.default.currentDirectoryPath)/Sources/Platform/PlatformAPI/Policies/platform_model.conf
          policy: \(FileManager.default.currentDirectoryPath)/Sources/Platform/PlatformAPI/Policies/platform_policy.csv
        """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let c = try ServeConfig.load(path: path, environment: ["DCODER_SECRET_KEY": "c2VjcmV0"])
        #expect(c.platformAPI?.secretKey == "c2VjcmV0" && c.platformAPI?.secretKeyID == "platform-1")
        #expect(c.platformAPI?.policyFile?.hasSuffix("platform_policy.csv") == true)

        let missing = try write("platform_api: {oidc_issuer: https://x.test/oidc, oidc_audience: a, secret_key: k, policy: nope.csv}\n")
        defer { try? FileManager.default.removeItem(atPath: missing) }
        #expect { try ServeConfig.load(path: missing, environment: [:]) } throws: { "\($0)".contains("nope.csv") }
        let noKey = try write("platform_api: {oidc_issuer: https://x.test/oidc, oidc_audience: a}\n")
        defer { try? FileManager.default.removeItem(atPath: noKey) }
        #expect { try ServeConfig.load(path: noKey, environment: [:]) } throws: { "\($0)".contains("secret_key") }
    }

    /// `platform_api.pdf_extractor` picks ingestion's PDF reader: built in unless it says pdftotext.
    @Test func pdfExtractorIsBuiltinByDefaultAndPdftotextByChoice() throws {
        let base = "platform_api: {oidc_issuer: https://x.test/oidc, oidc_audience: a, secret_key: k"
        let plain = try write(base + "}\n"), poppler = try write(base + ", pdf_extractor: pdftotext}\n"), bad = try write(base + ", pdf_extractor: acrobat}\n")
        defer { for p in [plain, poppler, bad] { try? FileManager.default.removeItem(atPath: p) } }
        #expect(try ServeConfig.load(path: plain, environment: [:]).platformAPI?.pdfExtractor == .builtin)
        #expect(try ServeConfig.load(path: poppler, environment: [:]).platformAPI?.pdfExtractor == .pdftotext)
        #expect(PlatformServer.pdfExtractor(.builtin) is BuiltinPDFExtractor && PlatformServer.pdfExtractor(.pdftotext) is PopplerPDFExtractor)
        #expect { try ServeConfig.load(path: bad, environment: [:]) } throws: { e in
            let e = e as? ConfigFileError
            return e?.line == 1 && e?.message.contains("pdf_extractor is 'builtin' (in process) or 'pdftotext' (poppler's program), not 'acrobat'") == true
        }
    }

    @Test func unknownKeysAreErrors() throws {
        let path = try write("server: {prot: 80}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ConfigFileError.self) { try ServeConfig.load(path: path, environment: [:]) }
    }

    @Test func theDemoConfigLoads() async throws {
        let c = try ServeConfig.load(path: "Docs/examples/demo-serve.yaml", environment: ["DCODER_SECRET_KEY": "c2VjcmV0"])
        #expect(c.tenants.map(\.id) == ["acme", "globex"])
        #expect(c.platformAPI?.issuer == "http://127.0.0.1:18200/oidc" && c.platformAPI?.audience == "dcoder-demo")
        #expect(c.platformAPI?.secretKey == "c2VjcmV0")
        #expect(c.tenants.allSatisfy { Set($0.aliases.map(\.name)) == ["gpt-4o-mini", "claude-3-5-haiku", "gemini-2.0-flash", "llama-3.1-8b-instant"] })
        #expect(c.tenants.map(\.keys) == [["dk-demo-acme"], ["dk-demo-globex"]])
        #expect(c.platform.allowlist.contains("http://127.0.0.1:18100"))
        let flags = try #require(c.flags)
        #expect(flags.environmentKey == "ser.dcoder-demo")
        // The router builds with the flag routes (a duplicate route would trap here).
        let transport = ProviderHTTPTransport()
        _ = try LiveHarness.gateway(c, transport: transport).router()
        try await transport.shutdown()
    }

    @Test func flagsEvaluateWithSegmentsAndRefuseBadSections() throws {
        let path = try write("""
        flags:
          environment_key: "${FLAGS_KEY}"
          features:
            connectors.slack: false
            limit: {enabled: true, value: 10}
          segments:
            big:
              rules: [{type: ALL, conditions: [{property: seats, operator: GREATER_THAN, value: 100}]}]
              overrides: {connectors.slack: true, limit: {enabled: true, value: 50}}
        """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let flags = try #require(try ServeConfig.load(path: path, environment: ["FLAGS_KEY": "ser.k"]).flags)
        #expect(flags.environmentKey == "ser.k")
        let book = FlagBook(definitions: flags.definitions)
        let big = book.evaluate(tenant: "acme", extraTraits: [("seats", .int(250))])
        #expect(big[0].enabled == true && big[1].value == .int(50))
        let small = book.evaluate(tenant: "tiny", extraTraits: [("seats", .int(5))])
        #expect(small[0].enabled == false && small[1].value == .int(10))
        guard case .array(let api) = FlagsRoutes.apiFlags(small), api.count == 2 else { Issue.record("expected two API flags"); return }
        #expect(api[0]["feature"]?["name"] == .string("connectors.slack") && api[1]["feature_state_value"] == .int(10))

        let bad = try write("flags:\n  environment_key: k\n  segments:\n    s:\n      rules: []\n      overrides: {nope: true}\n")
        defer { try? FileManager.default.removeItem(atPath: bad) }
        do { _ = try ServeConfig.load(path: bad, environment: [:]); Issue.record("expected an error") } catch let e as ConfigFileError {
            #expect(e.line == 6 && e.message.contains("no feature 'nope'"))
        }
    }
}

struct TransportTests {
    @Test func theTransportRefusesAURLOffTheAllowlistWithoutConnecting() async throws {
        let transport = ProviderHTTPTransport()
        defer { Task { try? await transport.shutdown() } }
        let account = ProviderAccount(provider: .openai, endpoint: try Endpoint.parse("http://127.0.0.1:9/v1").get(), apiKey: Secret("sk-x"))
        let request = ProviderAdapter.makeRequest(ChatCompletionRequest(model: "m", messages: [ChatMessage(role: "user", content: "hi")]),
                                                  model: "gpt-4o-mini", account: account)
        // Had it connected, nothing listens on port 9 and the failure would be `.connection`.
        let result = await transport.send(request, allowlist: try EgressAllowlist(["api.openai.com"]), timeout: .seconds(2), clock: SystemTimeSource())
        guard case .failure(.egressDenied(let why)) = result else { Issue.record("expected egressDenied, got \(result)"); return }
        #expect(why.contains("127.0.0.1"))
        // A loopback entry that names the host but another port does not admit it either.
        let other = await transport.send(request, allowlist: try EgressAllowlist(["http://127.0.0.1:18100"]), timeout: .seconds(2), clock: SystemTimeSource())
        guard case .failure(.egressDenied) = other else { Issue.record("expected egressDenied, got \(other)"); return }
    }
}

struct MockServerPartsTests {
    @Test func sseBodiesSplitAfterEachEvent() {
        let body = Array("data: a\n\ndata: b\r\n\r\nevent: x\ndata: c\n\n".utf8)
        let parts = MockProviderServer.splitEvents(body).map { String(decoding: $0, as: UTF8.self) }
        #expect(parts == ["data: a\n\n", "data: b\r\n\r\n", "event: x\ndata: c\n\n"])
    }

    @Test func mockEmbeddingsAreDeterministicNormalisedAndShareWords() {
        let a = HashingEmbedder.embed("The refund policy allows returns", dimensions: 64)
        let b = HashingEmbedder.embed("the REFUND policy allows returns", dimensions: 64)
        let c = HashingEmbedder.embed("Quarterly revenue grew in Europe", dimensions: 64)
        #expect(a == b && a.count == 64)
        let norm = a.reduce(0) { $0 + $1 * $1 }
        #expect(abs(norm - 1) < 1e-5)
        let related = zip(a, HashingEmbedder.embed("refund policy", dimensions: 64)).reduce(0) { $0 + $1.0 * $1.1 }
        let unrelated = zip(a, c).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(related > unrelated)
    }
}

struct AccessLogTests {
    @Test func linesAreJSONWithUTCTimesAndNoKeys() throws {
        let lines = Locked<[String]>([])
        let log = AccessLog(enabled: true) { bytes in
            let line = String(decoding: bytes, as: UTF8.self)
            lines.withLock { $0.append(line) }
        }
        let core = try makeCore()
        let rejected = core.refuse(GatewayError(.invalidRequest, status: 400, message: "x"), authorization: "Bearer dk-secret-acme",
                                   requestID: "chatcmpl-1", now: Instant(nanoseconds: 1_795_737_135_123_000_000))
        var usage = rejected.usage
        usage.modelAlias = "we\"ird\nmodel"
        log.record(usage, at: Instant(nanoseconds: 1_795_737_135_123_000_000))
        let line = try #require(lines.value.first)
        #expect(!line.contains("dk-secret-acme"))
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(obj["ts"] as? String == "2026-11-26T23:52:15.123Z")
        #expect(obj["tenant"] as? String == "acme" && obj["key_id"] as? String == "acme-key-1" && obj["model"] as? String == "we\"ird\nmodel")
        #expect(obj["status"] as? Int == 400 && obj["error"] as? String == "invalid_request")
        #expect(AccessLog.iso8601(Instant(nanoseconds: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(AccessLog.iso8601(Instant(nanoseconds: 951_782_400_000_000_000)) == "2000-02-29T00:00:00.000Z")
        #expect(AccessLog.millis(.milliseconds(1500)) == "1500.000" && AccessLog.millis(Nanoseconds(1_002_000)) == "1.002")
    }

    @Test func batchedLinesAreWrittenWhole() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("lines-\(UUID().uuidString)").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        #expect(fd >= 0)
        defer { close(fd); unlink(path) }
        let writer = BatchedLineWriter(fd: fd)
        for i in 0..<5000 { writer.append(Array("line \(i)\n".utf8)) }  // crosses the 32 KiB threshold
        let before = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!before.isEmpty && before.hasSuffix("\n"))
        writer.flush()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 5000 && lines.first == "line 0" && lines.last == "line 4999")
    }

    func makeCore() throws -> GatewayCore {
        var core = GatewayCore(configuration: .init(allowlist: try EgressAllowlist(["api.openai.com"]), pricing: try PricingTable.bundled()))
        let tenant = TenantSpec(id: "acme", keys: ["dk-secret-acme"], accounts: [], aliases: [])
        try core.upsertTenant(tenant.gatewayConfig(), at: .zero)
        return core
    }
}
