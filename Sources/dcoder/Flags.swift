import ArgumentParser
import Flags
import Foundation

struct FlagsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flags",
        abstract: "Feature flags (the Flagsmith evaluation model).",
        subcommands: [Test.self])

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run Flagsmith engine test cases and report the failures.",
            discussion: """
            PATH is a case file (.json or .jsonc: {"context": …, "result": …}, the format of \\
            Flagsmith's engine-test-data) or a folder of them, or a legacy v1 environment document \\
            with identities and expected flags. Prints each failing case with a diff of the \\
            result, then 'N passed, N failed'. Exit status 1 if any case failed.
            """)

        @Argument(help: "Case files or folders.", completion: .file())
        var paths: [String]

        func run() throws {
            var passed = 0
            var failed = 0
            for path in paths {
                let outcome = FlagConformance.run(path: path)
                passed += outcome.passed
                failed += outcome.failed
                outcome.report.forEach { print($0) }
            }
            print("\(passed) passed, \(failed) failed")
            if failed > 0 { throw ExitCode(1) }
        }
    }
}
