import Config
import Foundation
import Testing
@testable import Simulator
import Base
import Gateway

/// The `rag:` section goes the live way: a tracked ingestion job through the Platform API,
/// then each question a `doc-chat` call through a gateway replica, its model call at a mock
/// provider and accounted like any call.
@Suite struct LabRAGTests {
    /// A scenario over the handbook with `extra` appended (providers, usage, traffic).
    func handbook(_ extra: String = "", questions: String = "\(repositoryRoot)/Corpora/handbook/questions.yaml") -> String {
        """
        name: rag-test
        duration: 1m
        tenants:
          acme:
            keys: [dk-acme]
            providers: {openai: {key: sk-acme}}
            models: {answers: openai/gpt-4o-mini}
        rag:
          tenant: acme
          corpus: \(repositoryRoot)/Corpora/handbook
          questions: \(questions)
        \(extra)
        """
    }

    /// The acceptance scenario passes, and every answer it scores is a `doc-chat` call whose
    /// model call is in the metrics, the journal and the ledger with its tokens and cost.
    @Test func acceptanceRAGScenarioGoesThroughDocChat() async throws {
        let r = try await LabRunner(scenario: ScenarioLoader.load(path: repositoryRoot + "/Scenarios/acceptance/rag.yaml")).run()
        for e in r.expectations where !e.passed { Issue.record("\(e.message)") }
        for c in r.checks where !c.passed { Issue.record("\(c.name): \(c.details)") }
        #expect(r.passed)
        let rag = try #require(r.metrics.rag)
        // The corpus went in as one job of the Platform API, run by the ingestion service a second later.
        let job = try #require(rag.job)
        #expect(job.id.hasPrefix("job_") && job.status == "succeeded" && job.submittedAt == .zero && job.finishedAt == Instant.zero + .seconds(1))
        #expect(rag.documents.map(\.name) == ["expenses.md", "onboarding.txt", "oncall.pdf", "security.html"])
        #expect(rag.documents.allSatisfy { $0.result == "indexed" && $0.chunks > 0 })
        #expect(r.metrics.apiCalls.contains { $0.method == "POST" && $0.path == "/api/v1/tenants/acme/documents" && $0.status == 202 })
        #expect(r.metrics.platformTenants.map(\.id) == ["acme"])
        // Every question: a doc-chat call answered 200, its model call accounted to acme's key.
        #expect(rag.answers.count == 12 && rag.answers.allSatisfy { !$0.citations.isEmpty })
        var requestIDs: Set<String> = []
        for a in rag.answers {
            let call = try #require(a.call)
            let model = try #require(call.model)
            #expect(call.status == 200 && call.requestID.hasPrefix("chatcmpl-"))
            #expect(model.tenant == "acme" && model.modelAlias == "answers" && model.provider == .openai && model.status == 200)
            #expect(model.promptTokens > 0 && model.completionTokens > 0 && model.costMicros > 0 && model.latency > .zero)
            requestIDs.insert(model.requestID)
        }
        #expect(requestIDs.count == 12)
        #expect(r.metrics.value(of: "requests", labels: [("model", "doc-chat"), ("status", "200")]) == 12)
        #expect(r.metrics.ledgerTotals["acme"]?.calls == 12)
        #expect(r.metrics.ledgerTotals["acme"]?.costMicros == rag.answers.reduce(Int64(0)) { $0 + ($1.call?.model?.costMicros ?? 0) })
        // What the provider billed is what the gateway recorded (the billing check), and it is not nothing.
        #expect(r.metrics.upstream.values.reduce(Int64(0)) { $0 + $1.billedMicros } == r.metrics.ledgerTotals["acme"]?.costMicros)
        // The PDF's citations carry their page.
        #expect(rag.answers.first { $0.id == "postmortem" }?.citations.first?.page == 2)
    }

    /// When the answering model's provider is down, doc-chat answers 502 and the questions
    /// score nothing: the scores come from what the gateway answered, not from a side path.
    @Test func anOutageOfTheAnsweringModelFailsTheQuestions() async throws {
        let text = handbook("""
        providers:
          openai:
            outages: [{from: 0s, to: 1m, failure: unavailable}]
        """)
        let r = try await LabRunner(scenario: ScenarioLoader.load(path: writeTemp(text))).run()
        let rag = try #require(r.metrics.rag)
        #expect(rag.documents.count == 4 && rag.documents.allSatisfy { $0.result == "indexed" })
        #expect(rag.answers.count == 12)
        for a in rag.answers {
            #expect(a.call?.status == 502 && a.call?.error?.contains("doc-chat could not answer") == true, "\(String(describing: a.call))")
            #expect(a.call?.model?.status == 503 && a.answer.isEmpty && a.citations.isEmpty)
        }
        #expect(rag.hitAtK == 0 && rag.f1 == 0)
        #expect(r.metrics.value(of: "requests", labels: [("model", "doc-chat"), ("status", "503")]) == 12)
    }

    /// A suspended tenant's doc-chat calls are refused by the node, as live: no model call.
    @Test func aSuspendedTenantIsRefusedBeforeAnyRetrieval() async throws {
        let text = handbook("""
        steps:
          - {at: 0s, suspend_tenant: acme}
        """)
        let r = try await LabRunner(scenario: ScenarioLoader.load(path: writeTemp(text))).run()
        let rag = try #require(r.metrics.rag)
        #expect(rag.answers.count == 12)
        #expect(rag.answers.allSatisfy { $0.call?.status == 403 && $0.call?.model == nil && $0.retrieved.isEmpty })
        #expect(r.metrics.upstream.isEmpty)
    }

    /// Same seed, same results: the job id, request ids, answers and accounting.
    @Test func ragRunsAreDeterministic() async throws {
        let path = writeTemp(handbook())
        let a = try await LabRunner(scenario: ScenarioLoader.load(path: path)).run()
        let b = try await LabRunner(scenario: ScenarioLoader.load(path: path)).run()
        #expect(JSONReport.render([a], runName: "x", version: "1") == JSONReport.render([b], runName: "x", version: "1"))
    }

    /// Traffic to `doc-chat` takes the same path as the section's questions.
    @Test func trafficToDocChatIsAnsweredFromTheDocuments() async throws {
        let text = handbook("""
        traffic:
          - {tenant: acme, model: doc-chat, rate: 30/min, from: 20s}
        """)
        let r = try await LabRunner(scenario: ScenarioLoader.load(path: writeTemp(text))).run()
        for c in r.checks where !c.passed { Issue.record("\(c.name): \(c.details)") }
        let answered = try #require(r.metrics.value(of: "requests", labels: [("model", "doc-chat"), ("status", "200")]))
        #expect(answered > 12)
    }

    /// The `rag.doc_chat` flag switches a tenant's doc-chat, as live: off from the start,
    /// then turned on by a flag step at 30 s — refused with 404 before, answered after.
    @Test func theDocChatFlagSwitchesDocChatPerTenant() async throws {
        let text = handbook("""
        flags:
          features:
            rag.doc_chat: false
        traffic:
          - {tenant: acme, model: doc-chat, rate: 30/min, from: 20s}
        steps:
          - {at: 30s, set_flag: {tenant: acme, feature: rag.doc_chat, enabled: true}}
        """)
        let r = try await LabRunner(scenario: ScenarioLoader.load(path: writeTemp(text))).run()
        // The section's 12 questions (asked in the first seconds) and the traffic's first
        // ten seconds are refused; the traffic's last thirty answered.
        let refused = try #require(r.metrics.value(of: "requests", labels: [("model", "doc-chat"), ("status", "404")]))
        let answered = try #require(r.metrics.value(of: "requests", labels: [("model", "doc-chat"), ("status", "200")]))
        #expect(refused >= 12 + 2 && refused <= 12 + 10, "\(refused)")
        #expect(answered >= 8 && answered <= 25, "\(answered)")
        #expect(try #require(r.metrics.rag).answers.allSatisfy { $0.call?.status == 404 })
    }

    /// Mistakes in the section are reported with their line.
    @Test func ragMistakesAreReportedWithTheirLine() throws {
        for (text, line, needle) in [
            (handbook().replacingOccurrences(of: "tenant: acme", with: "tenant: globex"), 9, "no tenant 'globex'"),
            (handbook("  key: dk-nope"), 12, "not one of tenant acme's virtual keys"),
            (handbook("  ask_every: 10s"), 12, "the questions would end at"),
        ] {
            do {
                _ = try ScenarioLoader.load(path: writeTemp(text))
                Issue.record("accepted: \(text)")
            } catch let e as ConfigFileError {
                #expect(e.line == line && e.message.contains(needle), "\(e) (expected line \(line))")
            }
        }
    }
}
