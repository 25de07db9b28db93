import Foundation

/// How ``JSONWriter`` lays out a value: the platform's two ways of writing JSON text.
///
/// - ``python``: one line with Python's `", "` and `": "` separators, sorted keys, doubles
///   as Python's `repr` (`1.0`, `1e-05`) and `NaN`/`Infinity` literals — what `json.dumps`
///   writes, so the Flagsmith engine's output and the Flagsmith SDK's endpoints match the
///   reference byte for byte.
/// - ``report``: two-space indentation, members in their order, numbers to six significant
///   digits, a final newline — the Lab's reports, which must rerun byte-identically even
///   when a sum's last bits depend on the order it was added up in.
public struct JSONStyle: Sendable, Hashable {
    /// How numbers that are not integers are written.
    public enum Numbers: Sendable, Hashable {
        /// Python's `repr(float)` (`1.0`, `1e-05`, `1e+16`); `NaN`, `Infinity`, `-Infinity`.
        case python
        /// Whole numbers below 10¹⁵ as integers, others as C's `%.6g`; non-finite as `null`.
        case sixSignificantDigits
    }

    /// A line break and two spaces per level before every member (`,` between members),
    /// else one line with `", "` between members.
    public var indented: Bool
    /// Object keys in Unicode scalar order, else in member order.
    public var sortedKeys: Bool
    /// How doubles are written (integers are always written in full).
    public var numbers: Numbers
    /// A newline after the value.
    public var finalNewline: Bool

    public init(indented: Bool = false, sortedKeys: Bool = true, numbers: Numbers = .python, finalNewline: Bool = false) {
        self.indented = indented
        self.sortedKeys = sortedKeys
        self.numbers = numbers
        self.finalNewline = finalNewline
    }

    /// `json.dumps(value, sort_keys=True)`: compact, sorted, Python's numbers.
    public static let python = JSONStyle()

    /// The Lab's report files: indented, in member order, six significant digits, final newline.
    public static let report = JSONStyle(indented: true, sortedKeys: false, numbers: .sixSignificantDigits, finalNewline: true)
}

/// Writes JSON text: the platform's one JSON writer and its one string escaper.
///
/// Written by hand because Foundation's `JSONEncoder` cannot keep an object's member order,
/// writes doubles with every digit (so a report could change with summation order), and
/// writes neither Python's separators nor its float `repr`. Typed bodies (`Codable` structs)
/// still go through `JSONEncoder`, configured once in ``JSONCoding``.
public enum JSONWriter {
    /// The JSON text of `value` in `style`.
    public static func write(_ value: JSONValue, style: JSONStyle) -> String {
        var output = ""
        write(value, style: style, indent: "", to: &output)
        if style.finalNewline { output += "\n" }
        return output
    }

    // MARK: Strings

    /// A JSON string literal for `text` (RFC 8259): `"` and `\` escaped, `\n`, `\r`, `\t`,
    /// `\b` and `\f` as their short escapes, other control characters as `\u00XX`;
    /// everything else (`/`, non-ASCII) as it is.
    public static func quoted(_ text: String) -> String {
        if !needsEscaping(text) { return "\"" + text + "\"" }
        var output = ""
        appendQuoted(text, to: &output)
        return output
    }

    /// Appends `text` as a JSON string literal (see ``quoted(_:)``).
    public static func appendQuoted(_ text: String, to output: inout String) {
        output += "\""
        if !needsEscaping(text) {
            output += text
        } else {
            for scalar in text.unicodeScalars {
                if let escape = escape(scalar) {
                    output += escape
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }

    /// Appends `text` as a JSON string literal, in UTF-8 (see ``quoted(_:)``); for writers
    /// that build bytes, such as the access log.
    public static func appendQuoted(_ text: String, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\""))
        if !needsEscaping(text) {
            bytes.append(contentsOf: text.utf8)
        } else {
            for scalar in text.unicodeScalars {
                if let escape = escape(scalar) {
                    bytes.append(contentsOf: escape.utf8)
                } else {
                    bytes.append(contentsOf: String(scalar).utf8)
                }
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Whether any byte of `text` needs an escape (a quote, a backslash, a control character).
    private static func needsEscaping(_ text: String) -> Bool {
        text.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String? {
        switch scalar {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case "\u{08}": return "\\b"
        case "\u{0C}": return "\\f"
        case ..<" ":
            let hex = String(scalar.value, radix: 16)
            return "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: return nil
        }
    }

    // MARK: Numbers

    /// A double as `style` writes it.
    public static func number(_ value: Double, _ numbers: JSONStyle.Numbers) -> String {
        switch numbers {
        case .python:
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
            return value.pythonRepr
        case .sixSignificantDigits:
            guard value.isFinite else { return "null" }
            if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
            return String(format: "%.6g", value)
        }
    }

    // MARK: Values

    private static func write(_ value: JSONValue, style: JSONStyle, indent: String, to output: inout String) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .int(let number): output += String(number)
        case .double(let number): output += Self.number(number, style.numbers)
        case .string(let text): appendQuoted(text, to: &output)
        case .array(let elements):
            writeContainer(elements.map { (nil, $0) }, open: "[", close: "]", style: style, indent: indent, to: &output)
        case .object(let members):
            let keys = style.sortedKeys ? members.keys.sorted(by: String.scalarOrder) : members.keys
            writeContainer(keys.compactMap { key in members[key].map { (key, $0) } }, open: "{", close: "}",
                           style: style, indent: indent, to: &output)
        }
    }

    private static func writeContainer(
        _ entries: [(key: String?, value: JSONValue)], open: String, close: String,
        style: JSONStyle, indent: String, to output: inout String
    ) {
        guard !entries.isEmpty else {
            output += open + close
            return
        }
        let innerIndent = indent + "  "
        output += open
        for (index, entry) in entries.enumerated() {
            if index > 0 { output += style.indented ? "," : ", " }
            if style.indented { output += "\n" + innerIndent }
            if let key = entry.key {
                appendQuoted(key, to: &output)
                output += ": "
            }
            write(entry.value, style: style, indent: innerIndent, to: &output)
        }
        if style.indented { output += "\n" + indent }
        output += close
    }
}

extension JSONValue {
    /// The value as JSON text in `style` (see ``JSONStyle``).
    public func serialized(_ style: JSONStyle) -> String {
        JSONWriter.write(self, style: style)
    }

    /// The value as JSON text like Python's `json.dumps`: Python's separators and float
    /// `repr`, `NaN` and `Infinity` for non-finite doubles.
    /// - Parameters:
    ///   - pretty: indent nested values by two spaces per level.
    ///   - sortedKeys: sort object keys (by Unicode scalar values), else keep member order.
    public func serialized(pretty: Bool = false, sortedKeys: Bool = true) -> String {
        JSONWriter.write(self, style: JSONStyle(indented: pretty, sortedKeys: sortedKeys))
    }
}
