import Foundation
import Testing

/// `dcoder flags test`: Flagsmith's own engine test data (../shared/peers/flagsmith).
@Suite struct FlagsCLITests {
    static let peers = CLI.root + "/../shared/peers/flagsmith"

    @Test func everyFlagsmithEngineCasePasses() throws {
        let folder = Self.peers + "/test_cases"
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".json") || $0.hasSuffix(".jsonc") }
        let r = try CLI.run(["flags", "test", folder])
        #expect(r.status == 0, "\(r.out)")
        #expect(r.out.split(separator: "\n").last.map(String.init) == "\(files.count) passed, 0 failed")
        let legacy = try CLI.run(["flags", "test", Self.peers + "/legacy_v1"])
        #expect(legacy.status == 0 && legacy.out.hasSuffix(" passed, 0 failed\n"), "\(legacy.out)")
    }

    @Test func aWrongExpectationIsShownAndExitsOne() throws {
        let folder = Self.peers + "/test_cases"
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: folder).sorted().first { $0.hasSuffix(".json") })
        var text = try String(contentsOfFile: folder + "/" + name, encoding: .utf8)
        // Flip every flag's "enabled" in the expected result.
        guard let resultStart = text.range(of: "\"result\"") else { Issue.record("no result in \(name)"); return }
        let tail = text[resultStart.lowerBound...]
        let flipped = tail.replacingOccurrences(of: "\"enabled\": true", with: "\"enabled\": @")
            .replacingOccurrences(of: "\"enabled\": false", with: "\"enabled\": true")
            .replacingOccurrences(of: "\"enabled\": @", with: "\"enabled\": false")
        text = String(text[..<resultStart.lowerBound]) + flipped
        let dir = CLI.tempDir()
        try text.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        let r = try CLI.run(["flags", "test", dir])
        #expect(r.status == 1)
        #expect(r.out.contains(name) && r.out.hasSuffix("0 passed, 1 failed\n"), "\(r.out)")
    }
}
