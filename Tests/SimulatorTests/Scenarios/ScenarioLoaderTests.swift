import Config
import Foundation
import Testing
@testable import Mocks
@testable import Simulator
import Base
import Gateway

func writeTemp(_ text: String, name: String = "scenario.yaml") -> String {
    let dir = NSTemporaryDirectory() + "dcoder-tests-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = dir + "/" + name
    try! text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

let minimalScenario = """
name: tiny
seed: 3
duration: 10m
tenants:
  acme:
    keys: [dk-acme]
    providers:
      openai: {key: sk-acme}
    models:
      chat: openai/gpt-4o-mini
traffic:
  - tenant: acme
    rate: 60/min
    model: chat
expect:
  - requests{tenant=acme,status=200} > 500
"""

@Suite struct ScenarioLoaderTests {
    @Test func loadsAMinimalScenarioWithDefaultMocks() throws {
        let s = try ScenarioLoader.load(path: writeTemp(minimalScenario))
        #expect(s.name == "tiny" && s.seed == 3 && s.duration == .seconds(600))
        #expect(s.providers.map(\.name) == ["openai"])
        #expect(s.tenants.first?.aliases.first?.targets == [.openai: "gpt-4o-mini"])
        #expect(s.sourceHash.count == 64)
        #expect(try ScenarioLoader.load(path: writeTemp(minimalScenario), seedOverride: 9).seed == 9)
    }

    /// Each malformed file names the line and column of the problem and what was expected.
    @Test(arguments: [
        ("name: x\nduration: 10 minutes\n", 2, 11, "expected a duration"),
        ("name: x\nduration: 1h\ntenantz: {}\n", 3, 1, "unknown key 'tenantz'"),
        ("name: x\nduration: 1h\ntenants:\n  a:\n    keys: [k]\n    models:\n      chat: {openai: m, anthropic: n}\n", 7, 13, "say which is 'active'"),
        ("name: x\nduration: 1h\nexpect:\n  - latency.p95{tenant=a} < fast\n", 4, 29, "expected a number"),
        ("name: x\nduration: 1h\nexpect:\n  - latncy.p95 < 1s\n", 4, 5, "unknown metric 'latncy.p95'"),
        ("name: x\nduration: [1h\n", 3, 1, "invalid YAML"),
        ("name: x\nduration: 1h\ntraffic:\n  - tenant: nobody\n    rate: 1/s\n    model: chat\n", 4, 13, "no tenant 'nobody'"),
        ("name: x\nduration: 1h\nproviders:\n  openai:\n    errors: {rate_limited: 150%}\n", 5, 28, "fraction"),
        ("name: x\nduration: 1h\ntenants:\n  a: {keys: [k], providers: {openai: {key: s}}, models: {chat: openai/m}}\ntraffic:\n  - {tenant: a, rate: 1/s, model: chat, abort: 10%}\n",
         6, 48, "set 'stream' too"),
    ])
    func malformedFilesReportLineAndColumn(text: String, line: Int, column: Int, fragment: String) throws {
        let path = writeTemp(text)
        do {
            _ = try ScenarioLoader.load(path: path)
            Issue.record("expected an error")
        } catch let e as ConfigFileError {
            #expect(e.file == path)
            #expect(e.line == line, "\(e)")
            #expect(e.column == column, "\(e)")
            #expect(e.message.contains(fragment), "\(e)")
            #expect(e.description.hasPrefix("\(path):\(line):\(column): "))
        }
    }

    @Test func missingFilesAndEmptyFoldersAreErrors() {
        #expect(throws: ConfigFileError.self) { try ScenarioLoader.load(path: "/nonexistent/x.yaml") }
        let dir = NSTemporaryDirectory() + "dcoder-empty-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        #expect(throws: ConfigFileError.self) { try ScenarioLoader.expand([dir]) }
    }

    @Test func promptFilesResolveRelativeToTheScenario() throws {
        let prompts = writeTemp("{\"id\":\"q1\",\"question\":\"Why?\",\"context\":[\"Because.\"]}\n", name: "p.jsonl")
        let dir = (prompts as NSString).deletingLastPathComponent
        let text = minimalScenario.replacingOccurrences(of: "    model: chat\n", with: "    model: chat\n    prompts: p.jsonl\n")
        let path = dir + "/s.yaml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let s = try ScenarioLoader.load(path: path)
        #expect(s.traffic[0].prompts.map(\.id) == ["q1"])
        #expect(s.traffic[0].prompts[0].messages.last?.text == "Context:\n[1] Because.\n\nQuestion: Why?")
    }

    /// A RAG section's fusion settings: read, and refused with their line and the setting's name.
    @Test func ragFusionSettings() throws {
        func scenario(_ fusion: String) -> String {
            """
            name: x
            duration: 1m
            tenants:
              acme: {keys: [dk-acme], providers: {openai: {key: sk}}, models: {chat: openai/gpt-4o-mini}}
            rag:
              tenant: acme
              corpus: \(repositoryRoot)/Corpora/handbook
              questions: \(repositoryRoot)/Corpora/handbook/questions.yaml
              fusion: \(fusion)
            """
        }
        let spec = try #require(try ScenarioLoader.load(path: writeTemp(scenario("{method: weighted, weights: {dense: 0.5}, depth: 30}"))).rag)
        let fusion = spec.knowledge.fusion
        #expect(fusion.fusion.method == .minMaxWeightedSum && fusion.vectorWeight == 0.5 && fusion.keywordWeight == 1 && fusion.vectorDepth == 30)
        do {
            _ = try ScenarioLoader.load(path: writeTemp(scenario("{method: borda}")))
            Issue.record("expected an error")
        } catch let e as ConfigFileError {
            #expect(e.line == 9 && e.message.contains("fusion method: expected rrf or weighted"), "\(e)")
        }
    }
}
