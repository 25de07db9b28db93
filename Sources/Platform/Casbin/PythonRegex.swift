import Foundation
import Synchronization

/// Python `re.match` on top of Foundation's ICU-based `NSRegularExpression`.
///
/// pycasbin hands policy patterns to Python's `re`; ICU is stricter in a few places,
/// so patterns are rewritten first: a `{` that does not start a valid `{m,n}`
/// quantifier and every `}` outside one become literals, `{,n}` becomes `{0,n}`,
/// `(?P<name>…)` / `(?P=name)` become ICU named groups, `\Z` becomes `\z`, and
/// inside `[...]` every non-alphanumeric character other than a range `-` is
/// escaped (ICU would read spaces, `[`, `&&`, `:` as set syntax).
enum PythonRegex {
    private static let cache = Mutex<[String: NSRegularExpression]>([:])

    /// Python `re.match(pattern, text)`: the capture groups (`nil` for a group that
    /// did not participate) when the pattern matches at the start of `text`, else `nil`.
    static func match(_ pattern: String, _ text: String) throws -> [String?]? {
        let expression = try compile(pattern)
        let range = NSRange(text.startIndex..., in: text)
        guard let result = expression.firstMatch(in: text, options: [.anchored], range: range) else {
            return nil
        }
        return (0..<result.numberOfRanges).dropFirst().map { group in
            Range(result.range(at: group), in: text).map { String(text[$0]) }
        }
    }

    static func compile(_ pattern: String) throws -> NSRegularExpression {
        if let cached = cache.withLock({ $0[pattern] }) { return cached }
        let expression: NSRegularExpression
        do {
            let translated = translate(pattern)
            expression = try NSRegularExpression(pattern: translated.isEmpty ? "(?:)" : translated)
        } catch {
            throw CasbinError(.evaluation, "invalid regular expression `\(pattern)`")
        }
        cache.withLock { $0[pattern] = expression }
        return expression
    }

    static func translate(_ pattern: String) -> String {
        let source = Array(pattern.unicodeScalars)
        var output = String.UnicodeScalarView()
        var index = 0
        var inClass = false
        var classOpenedAt = 0

        func emit(_ text: String) { output.append(contentsOf: text.unicodeScalars) }

        while index < source.count {
            let scalar = source[index]
            if scalar == "\\" {
                if index + 1 < source.count {
                    let escaped = source[index + 1]
                    emit(!inClass && escaped == "Z" ? "\\z" : "\\\(escaped)")
                    index += 2
                } else {
                    emit("\\")
                    index += 1
                }
                continue
            }
            if inClass {
                if scalar == "]", index > classOpenedAt {
                    inClass = false
                    emit("]")
                } else if scalar == "-" || scalar.properties.isAlphabetic || scalar.isDigit || scalar.value > 0x7F {
                    output.append(scalar)
                } else {
                    emit("\\\(scalar)")
                }
                index += 1
                continue
            }
            switch scalar {
            case "[":
                inClass = true
                emit("[")
                index += 1
                if index < source.count, source[index] == "^" {
                    emit("^")
                    index += 1
                }
                classOpenedAt = index
            case "{":
                if let (quantifier, next) = quantifier(in: source, at: index) {
                    emit(quantifier)
                    index = next
                } else {
                    emit("\\{")
                    index += 1
                }
            case "}":
                emit("\\}")
                index += 1
            case "(" where source.hasPrefix("(?P<", at: index):
                emit("(?<")
                index += 4
            case "(" where source.hasPrefix("(?P=", at: index):
                guard let close = source[index...].firstIndex(of: ")") else {
                    output.append(scalar)
                    index += 1
                    break
                }
                emit("\\k<" + String(String.UnicodeScalarView(source[(index + 4)..<close])) + ">")
                index = close + 1
            default:
                output.append(scalar)
                index += 1
            }
        }
        return String(output)
    }

    /// A Python repetition `{m}`, `{m,}`, `{,n}` or `{m,n}` starting at `start`,
    /// rewritten for ICU, and the index after it.
    private static func quantifier(in source: [Unicode.Scalar], at start: Int) -> (String, Int)? {
        var index = start + 1
        func digits() -> String {
            var text = ""
            while index < source.count, source[index].isDigit {
                text.unicodeScalars.append(source[index])
                index += 1
            }
            return text
        }
        let lower = digits()
        var upper: String?
        if index < source.count, source[index] == "," {
            index += 1
            upper = digits()
        }
        guard index < source.count, source[index] == "}", !(lower.isEmpty && upper == nil) else { return nil }
        let minimum = lower.isEmpty ? "0" : lower
        let text = upper.map { "{\(minimum),\($0)}" } ?? "{\(minimum)}"
        return (text, index + 1)
    }
}
