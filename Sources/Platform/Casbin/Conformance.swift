import Base
import Foundation

/// Runs Casbin conformance files (JSON lines) against this engine.
///
/// Two line formats are recognized by their fields:
/// - enforce cases: `model`, `policy` (paths relative to the file unless absolute; `policy` may be
///   `null`), `request`, `expected`, and optionally `enforce_context`, `matching_funcs`,
///   `domain_matching_funcs`, `extra_policy`;
/// - function vectors: `fn`, `args`, `expected` (a boolean, or a string for `keyGet*`).
public enum CasbinConformance {
    /// The outcome of one or more conformance files.
    public struct Report: Sendable {
        public let passed: Int
        public let failed: Int
        /// One line per failing case (and per file, when several files were run).
        public let lines: [String]

        /// `N passed, N failed`
        public var summary: String { "\(passed) passed, \(failed) failed" }
    }

    /// Runs several files; a file that cannot be read counts as one failure.
    /// - Parameter now: the time `timeMatch` vectors compare with (the caller's clock).
    public static func run(paths: [String], now: Date) -> Report {
        BuiltinFunctions.$currentTime.withValue(now) { run(paths: paths) }
    }

    public static func run(paths: [String]) -> Report {
        var passed = 0
        var failed = 0
        var lines: [String] = []
        for path in paths {
            do {
                let report = try run(path: path)
                passed += report.passed
                failed += report.failed
                lines += report.lines
                if paths.count > 1 { lines.append("\(path): \(report.summary)") }
            } catch {
                failed += 1
                lines.append("\(path): \(error)")
            }
        }
        return Report(passed: passed, failed: failed, lines: lines)
    }

    /// Runs every non-blank line of one file.
    public static func run(path: String) throws -> Report {
        let text = try readText(path)
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        var passed = 0
        var failures: [String] = []
        for (offset, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated()
        where !line.trimmed.isEmpty {
            if let failure = check(String(line), directory: directory) {
                failures.append("line \(offset + 1): \(failure)")
            } else {
                passed += 1
            }
        }
        return Report(passed: passed, failed: failures.count, lines: failures)
    }

    private struct Case: Decodable {
        let model: String?
        let policy: String?
        let request: [JSONValue]?
        let expected: JSONValue?
        let enforceContext: [String: String]?
        let matchingFuncs: [String: String]?
        let domainMatchingFuncs: [String: String]?
        let extraPolicy: [[String]]?
        let fn: String?
        let args: [String]?
        let source: String?

        enum CodingKeys: String, CodingKey {
            case model, policy, request, expected, fn, args, source
            case enforceContext = "enforce_context"
            case matchingFuncs = "matching_funcs"
            case domainMatchingFuncs = "domain_matching_funcs"
            case extraPolicy = "extra_policy"
        }
    }

    /// `nil` when the line passes, otherwise the failure description.
    private static func check(_ line: String, directory: URL) -> String? {
        let testCase: Case
        do {
            testCase = try JSONDecoder().decode(Case.self, from: Data(line.utf8))
        } catch {
            return "unreadable case: \(error)"
        }
        guard let expected = testCase.expected.map(Value.init) else { return "case has no 'expected' field" }
        if let function = testCase.fn {
            let arguments = (testCase.args ?? []).map(Value.string)
            let call = "\(function)(\(arguments.map(\.description).joined(separator: ", ")))"
            do {
                let result = try BuiltinFunctions.call(function, arguments)
                return result == expected ? nil : "\(call) expected \(expected), got \(result)"
            } catch {
                return "\(call) expected \(expected), got \(error)"
            }
        }
        guard let model = testCase.model, let request = testCase.request?.map(Value.init) else {
            return "case needs either 'fn' and 'args' or 'model' and 'request'"
        }
        let label = "\(model) request \(Value.list(request)) expected \(expected)"
        let source = testCase.source.map { " [\($0)]" } ?? ""
        do {
            let decision = try enforce(testCase, model: model, request: request, directory: directory)
            return .bool(decision.allowed) == expected
                ? nil : "\(label), got \(decision.allowed) (\(decision))\(source)"
        } catch {
            return "\(label), got \(error)\(source)"
        }
    }

    private static func enforce(_ testCase: Case, model: String, request: [Value], directory: URL) throws -> Decision {
        func resolve(_ path: String) -> String {
            path.hasPrefix("/") ? path : directory.appendingPathComponent(path).path
        }
        let enforcer = try Enforcer(modelPath: resolve(model), policyPath: testCase.policy.map(resolve))
        for (ptype, name) in (testCase.matchingFuncs ?? [:]).sorted(by: { $0.key < $1.key }) {
            try enforcer.addNamedMatchingFunc(ptype, try matchingFunction(name))
        }
        for (ptype, name) in (testCase.domainMatchingFuncs ?? [:]).sorted(by: { $0.key < $1.key }) {
            try enforcer.addNamedDomainMatchingFunc(ptype, try matchingFunction(name))
        }
        for row in testCase.extraPolicy ?? [] {
            guard let ptype = row.first else { throw CasbinError(.policy, "empty extra_policy row") }
            let values = Array(row.dropFirst())
            if ptype.hasPrefix("g") {
                try enforcer.addGroupingPolicy(values, ptype: ptype)
            } else {
                try enforcer.addPolicy(values, ptype: ptype)
            }
        }
        let context = testCase.enforceContext.map { fields in
            EnforceContext(
                requestType: fields["r"] ?? "r", policyType: fields["p"] ?? "p",
                effectType: fields["e"] ?? "e", matcherType: fields["m"] ?? "m")
        }
        return try enforcer.enforce(request: request, context: context)
    }

    private static func matchingFunction(_ name: String) throws -> MatchingFunction {
        guard let function = BuiltinFunctions.matchingFunction(named: name) else {
            throw CasbinError(.unknownFunction, "'\(name)' is not a matching function")
        }
        return function
    }
}
