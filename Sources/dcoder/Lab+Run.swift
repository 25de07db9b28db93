import Config
import ArgumentParser
import Foundation
import Mocks
import Simulator
import Base
import Gateway

struct LabCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Run scenarios in the deterministic simulation.",
        subcommands: [Run.self])

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run scenario files and write report.html, report.json and junit.xml.",
            discussion: """
            PATH is a scenario file or a folder of them (every .yaml below it, sorted). \
            Exit status: 0 when every expectation and built-in check holds, 1 when any fails, \
            2 when a scenario file is unreadable or malformed (the message gives file:line:column). \
            The same scenarios and seed always produce byte-identical report.json and report.html.
            """)

        @Argument(help: "Scenario files or folders.", completion: .file(extensions: ["yaml", "yml"]))
        var paths: [String]

        @Option(help: "Folder for the reports (default: Reports/<run name>/).")
        var out: String?

        @Option(help: "Seed for every scenario, replacing the seeds in the files.")
        var seed: UInt64?

        @Flag(help: "Print only the verdict and the report paths.")
        var quiet = false

        func run() async throws {
            let stderr = FileHandle.standardError
            let progressEnabled = isatty(2) != 0
            do {
                let outcome = try await LabSession.run(
                    paths: paths, seed: seed, outputDirectory: out, version: DCoder.version,
                    log: { if !quiet { print($0) } },
                    progress: progressEnabled ? { name, f in
                        stderr.write(Data("\r  \(name): \(Int(f * 100))% of virtual time".utf8))
                        if f >= 1 { stderr.write(Data("\n".utf8)) }
                    } : nil)
                let failedExpectations = outcome.results.reduce(0) { $0 + $1.expectations.filter { !$0.passed }.count }
                let failedChecks = outcome.results.reduce(0) { $0 + $1.checks.filter { !$0.passed }.count }
                print(outcome.passed ? "PASSED" : "FAILED: \(failedExpectations) expectation(s) and \(failedChecks) check(s) failed")
                print("reports: \(outcome.outputDirectory)/report.html, report.json, junit.xml")
                if !outcome.passed { throw ExitCode(1) }
            } catch let e as ConfigFileError {
                stderr.write(Data("error: \(e)\n".utf8))
                throw ExitCode(2)
            }
        }
    }
}
