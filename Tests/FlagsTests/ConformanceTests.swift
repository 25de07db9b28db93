import Foundation
import Testing
@testable import Flags

@Suite("Conformance runner")
struct ConformanceTests {
    /// `../shared/peers/flagsmith` next to the repository (this file is
    /// Tests/FlagsTests/ConformanceTests.swift); CI has it.
    static let testData = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/peers/flagsmith").path

    @Test func passesFlagsmithsEngineTestData() {
        for folder in ["test_cases", "legacy_v1"] {
            let outcome = FlagConformance.run(path: "\(Self.testData)/\(folder)")
            #expect(outcome.failed == 0, "\(outcome.report.joined(separator: "\n"))")
            #expect(outcome.passed > 0)
        }
    }

    @Test func reportsFailuresAndMalformedFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("flags-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = [
            "a_pass.jsonc": """
                // a comment
                {"context": {"environment": {"key": "k", "name": "n"}}, "result": {"flags": {}, "segments": []}}
                """,
            "b_wrong.json": """
                {"context": {"environment": {"key": "k", "name": "n"},
                             "features": {"f": {"key": "1", "name": "f", "enabled": true, "value": 1}}},
                 "result": {"flags": {"f": {"name": "f", "enabled": true, "value": 1.0, "reason": "DEFAULT", "variant": null}},
                            "segments": [{"name": "x"}]}}
                """,
            "c_syntax.json": "{\"context\": }",
            "d_shape.json": #"{"context": {"environment": {"key": 1, "name": "n"}}, "result": {"flags": {}, "segments": []}}"#,
            "e_other.json": "[]",
            "ignored.txt": "not a case",
        ]
        for (name, text) in files {
            try Data(text.utf8).write(to: folder.appendingPathComponent(name))
        }

        let outcome = FlagConformance.run(path: folder.path)
        #expect(outcome.passed == 1)
        #expect(outcome.failed == 4)
        #expect(outcome.report == [
            """
            FAIL b_wrong.json
              result.flags.f.value: expected 1.0, got 1
              result.segments: expected [{"name": "x"}], got []
            """,
            "FAIL c_syntax.json\n  invalid JSON at line 1, column 13: unexpected character '}'",
            "FAIL d_shape.json\n  malformed case: context.environment.key: expected a string, found integer",
            "FAIL e_other.json\n  not a case file: expected members \"context\" and \"result\", or \"environment\" and \"identities_and_responses\"",
        ])
        #expect(FlagConformance.run(path: folder.appendingPathComponent("missing.json").path).failed == 1)
    }
}
