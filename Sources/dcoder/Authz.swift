import ArgumentParser
import Base
import Casbin
import Foundation

struct AuthzCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authz",
        abstract: "Test and evaluate Casbin-model access policies.",
        subcommands: [Test.self, Eval.self])

    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run policy test cases (JSON lines) and report the failures.",
            discussion: """
            Each line is an enforce case {"model", "policy", "request", "expected"} with the optional \\
            setup fields "enforce_context", "matching_funcs", "domain_matching_funcs" and \\
            "extra_policy" (the format of ../shared/peers/casbin/cases.jsonl; model and policy \\
            paths are relative to the file), or a built-in function vector {"fn", "args", \\
            "expected"}. Prints each failing case with the decision and why, then \\
            'N passed, N failed'. Exit status 1 if any case failed.
            """)

        @Argument(help: "Case files (JSON lines).", completion: .file(extensions: ["jsonl"]))
        var files: [String]

        func run() throws {
            let report = CasbinConformance.run(paths: files, now: SystemTimeSource().currentDate())
            for line in report.lines { print(line) }
            print(report.summary)
            if report.failed > 0 { throw ExitCode(1) }
        }
    }

    struct Eval: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide requests read from standard input, one JSON array per line.",
            discussion: """
            Each input line is a request such as ["alice", "data1", "read"] (objects stand for \\
            attribute objects: {"Age": 30}); each output line is true or false, in order. A line \\
            that is not a JSON array, or that the model cannot decide, prints 'error: …' in its \\
            place, and the exit status is then 1.
            """)

        @Option(help: "Casbin model file (.conf).", completion: .file(extensions: ["conf"]))
        var model: String

        @Option(help: "Policy file (.csv); none means an empty policy.", completion: .file(extensions: ["csv"]))
        var policy: String?

        func run() throws {
            let enforcer: Enforcer
            do { enforcer = try Enforcer(modelPath: model, policyPath: policy) } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(2)
            }
            let clock = SystemTimeSource()
            var failed = false
            var lineNumber = 0
            while let line = readLine() {
                lineNumber += 1
                if line.allSatisfy(\.isWhitespace) { continue }
                do {
                    guard case .array(let values)? = try? JSONValue.parse(line) else {
                        failed = true
                        print("error: line \(lineNumber): not a JSON array of request values")
                        continue
                    }
                    print(try enforcer.enforce(request: values.map(Value.init), at: clock.currentDate()).allowed ? "true" : "false")
                } catch {
                    failed = true
                    print("error: line \(lineNumber): \(error)")
                }
            }
            if failed { throw ExitCode(1) }
        }
    }
}
