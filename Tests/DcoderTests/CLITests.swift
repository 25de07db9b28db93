import Foundation
import Testing

/// Runs the real `dcoder` binary in separate processes.
enum CLI {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static var binary: String {
        if let b = ProcessInfo.processInfo.environment["DCODER_BIN"] { return b }
        return root + "/.build/debug/dcoder"
    }

    /// - Parameter environment: variables added to the test's own environment.
    static func run(_ args: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        if !environment.isEmpty { p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        p.currentDirectoryURL = URL(fileURLWithPath: root)
        let out = Pipe(), err = Pipe()
        p.standardOutput = out; p.standardError = err
        let input = Pipe()
        if stdin != nil { p.standardInput = input }
        try p.run()
        if let stdin {
            input.fileHandleForWriting.write(Data(stdin.utf8))
            try input.fileHandleForWriting.close()
        }
        let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    static func tempDir() -> String {
        let d = NSTemporaryDirectory() + "dcoder-cli-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        return d
    }
}

@Suite(.serialized) struct CLITests {
    /// Two processes, same scenarios and seed: byte-identical report.json and report.html; another seed differs.
    @Test func reportsAreByteIdenticalAcrossProcesses() throws {
        let a = CLI.tempDir(), b = CLI.tempDir(), c = CLI.tempDir()
        #expect(try CLI.run(["lab", "run", "Scenarios/acceptance", "--out", a, "--quiet"]).status == 0)
        #expect(try CLI.run(["lab", "run", "Scenarios/acceptance", "--out", b, "--quiet"]).status == 0)
        #expect(try CLI.run(["lab", "run", "Scenarios/acceptance", "--out", c, "--quiet", "--seed", "12345"]).status == 0)
        for f in ["report.json", "report.html", "junit.xml"] {
            let x = try Data(contentsOf: URL(fileURLWithPath: a + "/" + f)), y = try Data(contentsOf: URL(fileURLWithPath: b + "/" + f))
            #expect(x == y, "\(f) differs between runs")
            #expect(!x.isEmpty)
        }
        let j1 = try Data(contentsOf: URL(fileURLWithPath: a + "/report.json")), j3 = try Data(contentsOf: URL(fileURLWithPath: c + "/report.json"))
        #expect(j1 != j3)
        let html = try String(contentsOfFile: a + "/report.html", encoding: .utf8)
        // Self-contained: charts are inline SVG and nothing is fetched (URLs in alert text are fine).
        #expect(html.contains("<svg"))
        for fetch in ["src=", "href=\"http", "<link", "url(", "@import"] { #expect(!html.contains(fetch), "report.html fetches via \(fetch)") }
        #expect(!html.contains("<script") && !html.contains("src=\"http"))
    }

    @Test func failingExpectationExitsOneAndSaysWhich() throws {
        let dir = CLI.tempDir()
        let text = try String(contentsOfFile: CLI.root + "/Scenarios/acceptance/llm-routing.yaml", encoding: .utf8)
            .replacingOccurrences(of: "  - latency.p95{tenant=globex} < 1.5s", with: "  - latency.p95{tenant=globex} < 10ms")
            .replacingOccurrences(of: "../../Corpora", with: CLI.root + "/Corpora")
        try text.write(toFile: dir + "/s.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["lab", "run", dir + "/s.yaml", "--out", dir + "/out"])
        #expect(r.status == 1)
        #expect(r.out.contains("✘ latency.p95{tenant=globex} =") && r.out.contains("expected < 10ms (over by"))
        let junit = try String(contentsOfFile: dir + "/out/junit.xml", encoding: .utf8)
        #expect(junit.contains("failures=\"1\"") && junit.contains("<failure"))
    }

    @Test func malformedScenarioExitsTwoWithFileLineColumn() throws {
        let dir = CLI.tempDir()
        try "name: bad\nduration: soon\n".write(toFile: dir + "/bad.yaml", atomically: true, encoding: .utf8)
        let r = try CLI.run(["lab", "run", dir + "/bad.yaml", "--out", dir + "/out"])
        #expect(r.status == 2)
        #expect(r.err.contains("\(dir)/bad.yaml:2:11: 'duration': expected a duration"))
        #expect(try CLI.run(["lab", "run", dir + "/missing.yaml"]).status == 2)
    }

    @Test func helpAndVersion() throws {
        let v = try CLI.run(["--version"])
        #expect(v.status == 0 && v.out.trimmingCharacters(in: .whitespacesAndNewlines) == "0.2.0")
        let h = try CLI.run(["lab", "run", "--help"])
        #expect(h.status == 0 && h.out.contains("--seed") && h.out.contains("--out") && h.out.contains("Exit status"))
        #expect(try CLI.run(["bench", "lab", "--help"]).out.contains("simulated gateway requests"))
    }
}
