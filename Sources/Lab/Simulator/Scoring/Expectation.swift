import Foundation
import Base
import Gateway

/// One checkable statement about a run, such as `latency.p95{tenant=acme} < 1.5s`.
///
/// Grammar: `metric{label=value,...} op number[unit]`, where `op` is one of
/// `<`, `<=`, `>`, `>=`, `==`, `!=` and the unit is optional: `ns`, `us`, `ms`, `s`, `m`,
/// `h` for durations (compared in seconds), `%` for fractions, a leading `$` for dollars.
/// The metric catalogue is in `Docs/scenarios.md` and ``RunMetrics/value(of:labels:)``.
public struct Expectation: Hashable, Sendable {
    public enum Comparison: String, Hashable, Sendable, CaseIterable {
        case lessOrEqual = "<=", greaterOrEqual = ">=", equal = "==", notEqual = "!=", less = "<", greater = ">"

        func holds(_ a: Double, _ b: Double) -> Bool {
            switch self {
            case .less: return a < b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            case .greaterOrEqual: return a >= b
            case .equal: return abs(a - b) <= 1e-9 * max(1, abs(b))
            case .notEqual: return abs(a - b) > 1e-9 * max(1, abs(b))
            }
        }
    }

    public var text: String
    public var name: String?
    public var line: Int = 0
    public var metric: String
    /// Label filters in the order written.
    public var labels: [(key: String, value: String)]
    public var comparison: Comparison
    public var threshold: Double
    /// The unit the threshold was written in, for messages (`s`, `%`, `$` or empty).
    public var unit: String

    public static func == (a: Expectation, b: Expectation) -> Bool { a.text == b.text && a.name == b.name && a.line == b.line }
    public func hash(into h: inout Hasher) { h.combine(text); h.combine(name); h.combine(line) }

    public struct ParseError: Error, Hashable {
        public var message: String
        /// Column offset into the expression.
        public var offset: Int
    }

    public static func parse(_ text: String) throws -> Expectation {
        let chars = Array(text)
        var i = 0
        func skipSpace() { while i < chars.count, chars[i] == " " { i += 1 } }
        func fail(_ m: String) -> ParseError { ParseError(message: "in expectation '\(text)': \(m)", offset: i) }

        skipSpace()
        var metric = ""
        while i < chars.count, chars[i].isLetter || chars[i].isNumber || chars[i] == "." || chars[i] == "_" { metric.append(chars[i]); i += 1 }
        guard !metric.isEmpty else { throw fail("expected a metric name such as requests, latency.p95 or alerts") }
        guard RunMetrics.knownMetrics.contains(metric) else {
            i -= metric.count
            throw fail("unknown metric '\(metric)'; known: \(RunMetrics.knownMetrics.sorted().joined(separator: ", "))")
        }
        skipSpace()
        var labels: [(String, String)] = []
        if i < chars.count, chars[i] == "{" {
            i += 1
            while true {
                skipSpace()
                if i < chars.count, chars[i] == "}" { i += 1; break }
                var key = ""
                while i < chars.count, chars[i].isLetter || chars[i] == "_" { key.append(chars[i]); i += 1 }
                guard !key.isEmpty else { throw fail("expected a label name") }
                guard RunMetrics.knownLabels.contains(key) else {
                    throw fail("unknown label '\(key)'; known: \(RunMetrics.knownLabels.sorted().joined(separator: ", "))")
                }
                skipSpace()
                guard i < chars.count, chars[i] == "=" else { throw fail("expected '=' after label '\(key)'") }
                i += 1
                skipSpace()
                var value = ""
                if i < chars.count, chars[i] == "\"" {
                    i += 1
                    while i < chars.count, chars[i] != "\"" { value.append(chars[i]); i += 1 }
                    guard i < chars.count else { throw fail("unclosed quote") }
                    i += 1
                } else {
                    while i < chars.count, !",} ".contains(chars[i]) { value.append(chars[i]); i += 1 }
                }
                guard !value.isEmpty else { throw fail("expected a value for label '\(key)'") }
                labels.append((key, value))
                skipSpace()
                if i < chars.count, chars[i] == "," { i += 1; continue }
                guard i < chars.count, chars[i] == "}" else { throw fail("expected ',' or '}'") }
            }
        }
        skipSpace()
        guard let comparison = Comparison.allCases.first(where: { text.dropFirst(i).hasPrefix($0.rawValue) }) else {
            throw fail("expected a comparison: <, <=, >, >=, == or !=")
        }
        i += comparison.rawValue.count
        skipSpace()
        let rest = String(chars[i...]).trimmingCharacters(in: .whitespaces)
        guard let (value, unit) = parseQuantity(rest) else {
            throw fail("expected a number, optionally with a unit (250ms, 1.5s, 95%, $0.40); got '\(rest)'")
        }
        return Expectation(text: text.trimmingCharacters(in: .whitespaces), metric: metric, labels: labels,
                           comparison: comparison, threshold: value, unit: unit)
    }

    static func parseQuantity(_ s: String) -> (Double, String)? {
        if s.hasPrefix("$"), let v = Double(s.dropFirst()) { return (v, "$") }
        if s.hasSuffix("%"), let v = Double(s.dropLast()) { return (v / 100, "%") }
        if let v = Double(s.replacingOccurrences(of: "_", with: "")) { return (v, "") }
        if let d = DurationFormat.parse(s) { return (d.seconds, "s") }
        return nil
    }

    /// Formats a value in the unit the threshold was written in.
    public func format(_ v: Double) -> String {
        switch unit {
        case "%": return Self.trim(v * 100) + "%"
        case "$": return "$" + Self.trim(v)
        case "s": return DurationFormat.format(.fromSeconds(v))
        default: return Self.trim(v)
        }
    }

    static func trim(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(format: "%.4g", v)
    }

    /// The outcome of checking an expectation against a run.
    public struct Result: Hashable, Sendable {
        public var expectation: Expectation
        public var passed: Bool
        public var actual: Double?
        public var message: String
    }

    public func evaluate(_ metrics: RunMetrics) -> Result {
        let labelText = labels.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
        let subject = labels.isEmpty ? metric : "\(metric){\(labelText)}"
        guard let actual = metrics.value(of: metric, labels: labels) else {
            return Result(expectation: self, passed: false, actual: nil,
                          message: "\(subject) has no data (no matching calls), expected \(comparison.rawValue) \(format(threshold))")
        }
        let passed = comparison.holds(actual, threshold)
        var message = "\(subject) = \(format(actual)), expected \(comparison.rawValue) \(format(threshold))"
        if !passed {
            let gap = abs(actual - threshold)
            switch comparison {
            case .less, .lessOrEqual: message += " (over by \(format(gap)))"
            case .greater, .greaterOrEqual: message += " (under by \(format(gap)))"
            case .equal: message += " (off by \(format(gap)))"
            case .notEqual: break
            }
        }
        return Result(expectation: self, passed: passed, actual: actual, message: message)
    }
}
