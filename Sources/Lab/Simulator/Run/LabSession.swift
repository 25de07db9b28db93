import Foundation
import Base
import Gateway

/// Loads scenarios, runs them and writes the three reports: what `dcoder lab run` does.
public enum LabSession {
    public struct Outcome {
        public var results: [LabResult]
        public var outputDirectory: String
        public var runName: String
        public var passed: Bool { results.allSatisfy(\.passed) }
    }

    /// The run's name: the file's or folder's base name for one path, else `run`.
    public static func runName(for paths: [String]) -> String {
        guard paths.count == 1 else { return "run" }
        var name = (paths[0] as NSString).lastPathComponent
        for ext in [".yaml", ".yml"] where name.hasSuffix(ext) { name.removeLast(ext.count) }
        return name.isEmpty ? "run" : name
    }

    /// Loads every scenario first (so a bad file fails before anything runs), runs each,
    /// and writes `report.json`, `report.html` and `junit.xml` into `outputDirectory`.
    public static func run(paths: [String], seed: UInt64?, outputDirectory: String?, version: String,
                           log: (String) -> Void = { _ in }, progress: ((String, Double) -> Void)? = nil) async throws -> Outcome {
        let files = try ScenarioLoader.expand(paths)
        let scenarios = try files.map { try ScenarioLoader.load(path: $0, seedOverride: seed) }
        let name = runName(for: paths)
        let out = outputDirectory ?? "Reports/\(name)"
        var results: [LabResult] = []
        for s in scenarios {
            log("▶ \(s.name) (\(s.file), seed \(s.seed), \(DurationFormat.format(s.duration)) virtual)")
            let runner = try LabRunner(scenario: s)
            let expected = s.traffic.reduce(0.0) { total, t in
                let end = min(Double((t.until ?? Instant.zero + s.duration).nanoseconds), Double(s.duration.value))
                return total + t.arrival.meanRate * max(0, end - Double(t.from.nanoseconds)) / 1e9
            }
            let report: ((Double) -> Void)? = expected > 100_000 ? { f in progress?(s.name, f) } : nil
            let result = try await runner.run(progress: report)
            results.append(result)
            for e in result.expectations { log("  \(e.passed ? "✔" : "✘") \(e.message)") }
            for c in result.checks where !c.passed { log("  ✘ check \(c.name): \(c.details.joined(separator: "; "))") }
            if !result.passed { log("  reproduce: dcoder lab run \(s.file) --seed \(s.seed)") }
        }
        try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
        try write(JSONReport.render(results, runName: name, version: version), to: out + "/report.json")
        try write(HTMLReport.render(results, runName: name, version: version), to: out + "/report.html")
        try write(JUnitReport.render(results, runName: name), to: out + "/junit.xml")
        return Outcome(results: results, outputDirectory: out, runName: name)
    }

    static func write(_ text: String, to path: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
