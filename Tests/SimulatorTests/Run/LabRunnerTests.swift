import Config
import Crypto
import Foundation
import Testing
@testable import Mocks
@testable import Simulator
import Base
import Gateway
import Storage

/// The repository root, found from this file's path.
let repositoryRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<4 { url.deleteLastPathComponent() }
    return url.path
}()

@Suite struct LabRunnerTests {
    func run(_ path: String, seed: UInt64? = nil) async throws -> LabResult {
        try await LabRunner(scenario: ScenarioLoader.load(path: path, seedOverride: seed)).run()
    }

    @Test func acceptanceRoutingScenarioPasses() async throws {
        let r = try await run(repositoryRoot + "/Scenarios/acceptance/llm-routing.yaml")
        for e in r.expectations where !e.passed { Issue.record("\(e.message)") }
        for c in r.checks where !c.passed { Issue.record("\(c.name): \(c.details)") }
        #expect(r.passed)
    }

    @Test func acceptanceQuotasAndBudgetsScenarioPasses() async throws {
        let r = try await run(repositoryRoot + "/Scenarios/acceptance/quotas.yaml")
        for e in r.expectations where !e.passed { Issue.record("\(e.message)") }
        for c in r.checks where !c.passed { Issue.record("\(c.name): \(c.details)") }
        #expect(r.passed && r.expectations.count == 13)
        #expect(r.checks.contains { $0.name == "ledger" && $0.passed })
    }

    @Test func sameSeedSameReportDifferentSeedDifferentReport() async throws {
        let path = writeTemp(minimalScenario)
        let a = JSONReport.render([try await run(path)], runName: "t", version: "test")
        let b = JSONReport.render([try await run(path)], runName: "t", version: "test")
        let c = JSONReport.render([try await run(path, seed: 99)], runName: "t", version: "test")
        #expect(a == b)
        #expect(a != c)
    }

    /// The built-in key-isolation oracle catches a gateway that sends another tenant's key.
    @Test func keyIsolationCheckerCatchesAKeyMixUp() async throws {
        let text = minimalScenario + """

        steps:
          - at: 5m
            set_key: {tenant: acme, provider: openai, key: sk-globex}
          - at: 5m
            add_tenant:
              globex:
                keys: [dk-globex]
                providers:
                  openai: {key: sk-globex}
        """
        let r = try await run(writeTemp(text))
        let check = try #require(r.checks.first { $0.name == "key_isolation" })
        #expect(!check.passed && check.details.first?.contains("globex's key on a call made for acme") == true)
        #expect(!r.passed)
    }

    @Test func failingExpectationSaysByHowMuch() async throws {
        let r = try await run(writeTemp(minimalScenario.replacingOccurrences(of: "> 500", with: "> 5000")))
        let e = try #require(r.expectations.first)
        #expect(!e.passed && e.message.contains("expected > 5000 (under by"))
    }

    @Test func outageWithoutFailoverAndRecovery() async throws {
        let text = minimalScenario.replacingOccurrences(of: "expect:", with: """
        steps:
          - at: 2m
            outage: {provider: openai, for: 1m, failure: unavailable}
          - at: 6m
            outage: {provider: openai, for: 1m, failure: timeout}
        expect:
          - errors{kind=unavailable} > 40
          - errors{kind=timeout} > 10
        """).replacingOccurrences(of: "> 500", with: "> 300")
        let r = try await run(writeTemp(text))
        #expect(r.passed, "\(r.expectations.map(\.message)) \(r.checks.filter { !$0.passed }.map(\.details))")
        #expect(r.metrics.value(of: "requests", labels: [("provider", "openai"), ("status", "200")])! > 400)
    }
}

@Suite struct LabQuotaTests {
    /// 2 calls/s against 60/min: the first minute's burst, then exactly one call a second.
    @Test func aTenantOverItsRequestLimitGets429s() async throws {
        let text = """
        name: quotas
        seed: 5
        duration: 10m
        tenants:
          acme:
            keys: [dk-acme]
            providers: {openai: {key: sk-acme}}
            models: {chat: openai/gpt-4o-mini}
            quotas: {requests_per_minute: 60}
        traffic:
          - tenant: acme
            arrival: {process: constant, every: 500ms}
            model: chat
        expect:
          - requests{tenant=acme,status=429,kind=rate_limited} > 0
        """
        let r = try await LabRunner(scenario: ScenarioLoader.load(path: writeTemp(text))).run()
        let ok = r.metrics.value(of: "requests", labels: [("tenant", "acme"), ("status", "200")]) ?? 0
        let limited = r.metrics.value(of: "requests", labels: [("tenant", "acme"), ("status", "429")]) ?? 0
        #expect(ok + limited == 1200)
        #expect((659...661).contains(Int(ok)), "admitted \(ok)")  // 60 at once, then 1/s for 600 s
        #expect(r.passed)
    }

    /// A small budget: the 50/80/100 % alerts fire once each, and the run goes on.
    @Test func budgetsRaiseSoftAlertsAtTheirThresholds() async throws {
        let text = minimalScenario.replacingOccurrences(of: "      chat: openai/gpt-4o-mini\n",
                                                        with: "      chat: openai/gpt-4o-mini\n    budget: {monthly_usd: 0.001}\n")
            + "\n  - alerts{kind=budget_threshold,tenant=acme} == 3\n"
        let r = try await LabRunner(scenario: ScenarioLoader.load(path: writeTemp(text))).run()
        for e in r.expectations where !e.passed { Issue.record("\(e.message)") }
        #expect(r.passed)
        #expect((r.metrics.value(of: "requests", labels: [("tenant", "acme"), ("status", "200")]) ?? 0) > 500)  // never blocking
    }

    /// The usage conformance run: the billing and ledger checks hold to the micro-dollar
    /// across streamed, non-streamed and failed calls on all four providers.
    @Test func acceptanceUsageConformanceScenarioPasses() async throws {
        let r = try await LabRunner(scenario: ScenarioLoader.load(path: repositoryRoot + "/Scenarios/acceptance/usage-conformance.yaml")).run()
        for e in r.expectations where !e.passed { Issue.record("\(e.message)") }
        for c in r.checks where !c.passed { Issue.record("\(c.name): \(c.details)") }
        #expect(r.passed && Set(r.checks.map(\.name)).isSuperset(of: ["billing", "ledger"]))
        let billed = r.metrics.upstream.values.reduce(Int64(0)) { $0 + $1.billedMicros }
        #expect(billed > 0 && r.metrics.ledgerTotals.values.reduce(Int64(0)) { $0 + $1.costMicros } == billed)
        // Streams their clients abandoned are in it, at what the providers billed for them.
        let aborted = r.metrics.calls.filter { $0.key.status == 499 }
        #expect(aborted.reduce(0) { $0 + $1.value.count } > 100 && aborted.reduce(Int64(0)) { $0 + $1.value.costMicros } > 0)
    }

    /// Replicas crash at random times, mid-journal-write included, over the live journal
    /// code on simulated disks: every answered call is in the ledger exactly once (the
    /// ledger check), every billed micro-dollar is accounted for (billing), and the run is
    /// the same every time.
    @Test func acceptanceCrashesScenarioPassesAndRepeats() async throws {
        let path = repositoryRoot + "/Scenarios/acceptance/crashes.yaml"
        let r = try await LabRunner(scenario: ScenarioLoader.load(path: path)).run()
        for e in r.expectations where !e.passed { Issue.record("\(e.message)") }
        for c in r.checks where !c.passed { Issue.record("\(c.name): \(c.details)") }
        #expect(r.passed && r.checks.contains { $0.name == "ledger" && $0.passed })
        #expect(r.metrics.journal.tornWrites > 0 && r.metrics.journal.unanswered.values.reduce(0) { $0 + $1.calls } > 0)
        let again = try await LabRunner(scenario: ScenarioLoader.load(path: path)).run()
        #expect(JSONReport.render([r], runName: "t", version: "test") == JSONReport.render([again], runName: "t", version: "test"))
    }

    /// Two replicas: with shared (`redis`) counters the tenant gets its limit once, with
    /// `local` counters once per replica; budget alerts are raised once either way, and the
    /// replicas' counters are reconciled with the ledger.
    @Test func replicasShareOneLimitOnlyWithSharedCounters() async throws {
        let shared = try await LabRunner(scenario: ScenarioLoader.load(path: repositoryRoot + "/Scenarios/acceptance/replicas.yaml")).run()
        for e in shared.expectations where !e.passed { Issue.record("\(e.message)") }
        for c in shared.checks where !c.passed { Issue.record("\(c.name): \(c.details)") }
        #expect(shared.passed)
        let local = try await LabRunner(scenario: ScenarioLoader.load(path: repositoryRoot + "/Scenarios/examples/replicas-local.yaml")).run()
        #expect(local.passed)
        func admitted(_ r: LabResult) -> Int { r.metrics.calls.filter { $0.key.tenant == 0 && $0.key.status == 200 }.reduce(0) { $0 + $1.value.count } }
        #expect(admitted(shared) < 1_861 && admitted(local) == 3_600, "\(admitted(shared)) \(admitted(local))")
    }

    @Test func acceptanceTenancyScenarioPasses() async throws {
        let r = try await LabRunner(scenario: ScenarioLoader.load(path: repositoryRoot + "/Scenarios/acceptance/tenancy.yaml")).run()
        for e in r.expectations where !e.passed { Issue.record("\(e.message)") }
        for c in r.checks where !c.passed { Issue.record("\(c.name): \(c.details)") }
        #expect(r.passed)
        // Each tenant got a database of its own, migrated to the current schema.
        #expect(r.metrics.platformTenants.map(\.database).sorted()
            == ["sqlite:tenants/acme.sqlite", "sqlite:tenants/globex.sqlite", "sqlite:tenants/initech.sqlite"])
        #expect(r.metrics.platformTenants.allSatisfy { $0.schemaVersion == Migrator.tenant.migrations.map(\.version).max() })
    }

    /// A Platform API step whose answer is not the expected one fails the step and the run.
    @Test func unexpectedPlatformAnswersFailTheRun() async throws {
        let text = """
        name: leak
        duration: 1m
        steps:
          - at: 0s
            sign_in: {user: root, platform_roles: [platform-admin]}
          - at: 1s
            create_tenant: {as: root, id: acme}
          - at: 1s
            create_tenant: {as: root, id: globex}
          - at: 2s
            sign_in: {user: alice, tenant: acme, roles: [owner]}
          - at: 3s
            call: {as: alice, method: GET, path: /api/v1/tenants/globex, expect: 200}
          - at: 4s
            assign_role: {as: alice, tenant: acme, user: nobody, role: admin}
        expect:
          - tenants{status=active} == 2
        """
        let r = try await LabRunner(scenario: ScenarioLoader.load(path: writeTemp(text))).run()
        #expect(!r.passed)
        let failed = r.steps.compactMap(\.error)
        #expect(failed.count == 2)
        #expect(failed.first?.contains("answered 403, expected 200") == true, "\(failed)")
        #expect(failed.last?.contains("has not signed in") == true)
        #expect(r.expectations.allSatisfy { $0.passed })
    }

    @Test func acceptanceFlagsAndPluginsScenarioPasses() async throws {
        let r = try await LabRunner(scenario: ScenarioLoader.load(path: repositoryRoot + "/Scenarios/acceptance/flags-and-plugins.yaml")).run()
        for e in r.expectations where !e.passed { Issue.record("\(e.message)") }
        for c in r.checks where !c.passed { Issue.record("\(c.name): \(c.details)") }
        #expect(r.passed)
        // The rollout's tenants are the ones Flagsmith's hashing picks, computed here without the engine.
        let final = try #require(r.metrics.flagSnapshots.last)
        let tenants = final.states.keys.sorted()
        let rolledOut = tenants.filter { final.states[$0]?["experimental.reasoning"] == true }
        #expect(rolledOut == tenants.filter { Self.flagsmithBucket("rollout:experimental.reasoning,platform_\($0)") <= 30 })
        // Only acme's deliveries, and only after its flag went on at 10 minutes.
        #expect(r.metrics.deliveries.filter { $0.plugin == "slack" }.allSatisfy { $0.tenant == "acme" && $0.at.nanoseconds >= 600_000_000_000 })
    }

    /// A tenant owner turns a connector on through the Platform API in the Lab: the gateway's
    /// later alerts reach the tenant's Slack, as with a `set_flag` step.
    @Test func aFlagChangedThroughTheAPIRoutesAlerts() async throws {
        let text = """
        name: api-flag
        duration: 10m
        platform: {egress_allowlist: [api.openai.com, hooks.slack.com]}
        flags: {features: {connectors.slack: false}}
        tenants:
          acme:
            keys: [dk-acme]
            providers: {openai: {key: sk-acme}}
            models: {chat: openai/gpt-4o-mini}
            budget: {monthly_usd: 0.000001}
            integrations: {slack: {webhook_url: "https://hooks.slack.com/services/T/B/acme"}}
        traffic:
          - {tenant: acme, rate: 6/min, model: chat, from: 2m}
        steps:
          - {at: 0s, sign_in: {user: root, platform_roles: [platform-admin]}}
          - {at: 1s, create_tenant: {as: root, id: acme}}
          - {at: 2s, sign_in: {user: olga, tenant: acme, roles: [owner]}}
          - {at: 1m, call: {as: olga, method: PUT, path: /api/v1/flags/tenants/acme/features/connectors.slack, body: {enabled: true}, expect: 200}}
        expect:
          - connector.received{service=slack,tenant=acme} == 3
          - flag.enabled{feature=connectors.slack,tenant=acme} == 1
        """
        let r = try await LabRunner(scenario: ScenarioLoader.load(path: writeTemp(text))).run()
        for e in r.expectations where !e.passed { Issue.record("\(e.message)") }
        for c in r.checks where !c.passed { Issue.record("\(c.name): \(c.details)") }
        #expect(r.passed)
        #expect(r.metrics.flagSnapshots.map(\.cause).last?.contains("PUT /api/v1/flags/tenants/acme") == true)
    }

    /// A quota set through the Platform API in the Lab reaches the gateway at once.
    @Test func aQuotaSetThroughTheAPIIsEnforcedInTheLab() async throws {
        let text = """
        name: api-quota
        duration: 5m
        tenants:
          acme:
            keys: [dk-acme]
            providers: {openai: {key: sk-acme}}
            models: {chat: openai/gpt-4o-mini}
        traffic:
          - {tenant: acme, arrival: {process: constant, every: 1s}, model: chat}
        steps:
          - {at: 0s, sign_in: {user: root, platform_roles: [platform-admin]}}
          - {at: 1s, create_tenant: {as: root, id: acme}}
          - {at: 2s, sign_in: {user: olga, tenant: acme, roles: [owner]}}
          - {at: 2m, call: {as: olga, method: PUT, path: /api/v1/tenants/acme/quotas/requests_per_minute, body: {limit: 10}, expect: 200}}
        expect:
          - requests{tenant=acme,status=429} > 100
          - requests{tenant=acme,status=200} < 160
        """
        let r = try await LabRunner(scenario: ScenarioLoader.load(path: writeTemp(text))).run()
        for e in r.expectations where !e.passed { Issue.record("\(e.message)") }
        #expect(r.passed)
    }

    /// A tenant with an embedding model: documents ingested through the Platform API are
    /// embedded by the mock provider (Gemini's batchEmbedContents), billed to the tenant and
    /// accounted like every call (the billing check holds).
    @Test func documentsAreEmbeddedByTheTenantsProviderInTheLab() async throws {
        let text = """
        name: lab-embeddings
        duration: 5m
        tenants:
          acme:
            keys: [dk-acme]
            providers: {openai: {key: sk-acme}, gemini: {key: gm-acme}}
            models: {chat: openai/gpt-4o-mini, embed: gemini/gemini-embedding-001}
            embeddings: embed
        steps:
          - {at: 0s, sign_in: {user: root, platform_roles: [platform-admin]}}
          - {at: 1s, create_tenant: {as: root, id: acme}}
          - {at: 2s, sign_in: {user: olga, tenant: acme, roles: [owner]}}
          - {at: 1m, call: {as: olga, method: POST, path: /api/v1/tenants/acme/documents, expect: 202,
                            body: {documents: [{name: a.md, content: "# Expenses\n\nClaims are filed within 30 days."}]}}}
          - {at: 2m, call: {as: olga, method: POST, path: /api/v1/tenants/acme/rag/query, expect: 200,
                            body: {question: "When are claims filed?", mode: dense}}}
        expect:
          - requests{tenant=acme,model=embed,status=200} == 2
          - cost.micros{tenant=acme} > 0
        """
        let r = try await LabRunner(scenario: ScenarioLoader.load(path: writeTemp(text))).run()
        for e in r.expectations where !e.passed { Issue.record("\(e.message)") }
        for c in r.checks where !c.passed { Issue.record("\(c.name): \(c.details)") }
        #expect(r.passed)
        #expect(r.metrics.upstream.values.reduce(Int64(0)) { $0 + $1.billedMicros } > 0)
    }

    /// MD5 of the text as a big integer, mod 9999, over 9998, × 100 (Flagsmith's hashing).
    static func flagsmithBucket(_ text: String) -> Double {
        var remainder = 0
        for byte in Insecure.MD5.hash(data: Array(text.utf8)) { remainder = (remainder * 256 + Int(byte)) % 9999 }
        return Double(remainder) / 9998 * 100
    }

    @Test func flagAndPluginMistakesAreReportedWithTheirLine() throws {
        let base = "name: x\nduration: 1m\nflags:\n  features:\n    connectors.slack: false\n"
        let tenant = "tenants:\n  acme:\n    keys: [k]\n    providers: {openai: {key: sk}}\n    models: {chat: openai/gpt-4o-mini}\n"
        for (text, line, needle) in [
            (base + "steps:\n  - {at: 1s, set_flag: {feature: nope, enabled: true}}\n", 7, "no feature 'nope'"),
            (base + tenant + "    integrations: {discord: {url: x}}\n", 11, "no plugin 'discord'"),
            (base + tenant + "    integrations: {slack: {webhook_url: not-a-url}}\n", 11, "http(s) URL"),
            (base + "  segments:\n    s: {rules: [], overrides: {ghost: true}}\n", 7, "ghost"),
        ] {
            do {
                _ = try ScenarioLoader.load(path: writeTemp(text))
                Issue.record("accepted: \(text)")
            } catch let e as ConfigFileError {
                #expect(e.line == line && e.message.contains(needle), "\(e) (expected line \(line))")
            }
        }
    }

    @Test func platformStepsAreCheckedWhenLoaded() throws {
        let bad = "name: x\nduration: 1m\nsteps:\n  - at: 0s\n    call: {method: FETCH, path: /api/v1/me, expect: 200}\n"
        #expect(throws: ConfigFileError.self) { try ScenarioLoader.load(path: writeTemp(bad)) }
        let noExpect = "name: x\nduration: 1m\nsteps:\n  - at: 0s\n    call: {method: GET, path: /api/v1/me}\n"
        #expect(throws: ConfigFileError.self) { try ScenarioLoader.load(path: writeTemp(noExpect)) }
    }

    @Test func keyQuotasMustNameTheTenantsKeys() async throws {
        let text = minimalScenario.replacingOccurrences(of: "      chat: openai/gpt-4o-mini\n", with: "      chat: openai/gpt-4o-mini\n    key_quotas: {dk-other: {concurrent: 1}}\n")
        #expect(throws: ConfigFileError.self) { try ScenarioLoader.load(path: writeTemp(text)) }
    }
}
