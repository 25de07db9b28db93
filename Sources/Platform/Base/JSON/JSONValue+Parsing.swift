/// A JSON text that could not be parsed.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based line of the offending character.
    public let line: Int
    /// 1-based column (in bytes) of the offending character.
    public let column: Int
    /// What was wrong.
    public let message: String

    public var description: String { "line \(line), column \(column): \(message)" }
}

extension JSONValue {
    /// Parses strict JSON (RFC 8259), keeping object member order and the difference
    /// between integers and doubles.
    ///
    /// A repeated member name keeps its first position and its last value, as
    /// Python's `json` module does. Integers too large for `Int` become doubles.
    /// - Parameters:
    ///   - text: the JSON text.
    ///   - allowNonFiniteNumbers: also accept `NaN`, `Infinity` and `-Infinity`,
    ///     as Python's `json.loads` does.
    /// - Throws: ``JSONSyntaxError`` with the line and column of the first problem.
    public static func parse(_ text: String, allowNonFiniteNumbers: Bool = false) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: Array(text.utf8), allowNonFiniteNumbers: allowNonFiniteNumbers)
        return try parser.parseDocument()
    }

    /// Parses strict JSON from UTF-8 bytes (see ``parse(_:allowNonFiniteNumbers:)``).
    public static func parse(utf8 bytes: some Collection<UInt8>, allowNonFiniteNumbers: Bool = false) throws(JSONSyntaxError) -> JSONValue {
        var parser = JSONParser(bytes: Array(bytes), allowNonFiniteNumbers: allowNonFiniteNumbers)
        return try parser.parseDocument()
    }
}

/// A recursive-descent parser over UTF-8 bytes.
///
/// Written by hand: Foundation's `JSONSerialization` and `JSONDecoder` forget the order of
/// an object's members and whether `1.0` was written with a fraction, both of which the
/// Flagsmith engine's results depend on.
private struct JSONParser {
    private static let maximumDepth = 512

    let bytes: [UInt8]
    let allowNonFiniteNumbers: Bool
    private var position = 0
    private var depth = 0

    init(bytes: [UInt8], allowNonFiniteNumbers: Bool) {
        self.bytes = bytes
        self.allowNonFiniteNumbers = allowNonFiniteNumbers
    }

    mutating func parseDocument() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue()
        skipWhitespace()
        guard position == bytes.count else {
            throw error("unexpected content after the JSON value")
        }
        return value
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        guard let byte = current else { throw error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        case UInt8(ascii: "N") where allowNonFiniteNumbers: return try parseLiteral("NaN", .double(.nan))
        case UInt8(ascii: "I") where allowNonFiniteNumbers: return try parseLiteral("Infinity", .double(.infinity))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character \(Self.describe(byte))")
        }
    }

    /// Enters an array or object; pair with `depth -= 1` on the way out.
    private mutating func enterContainer() throws(JSONSyntaxError) {
        guard depth < Self.maximumDepth else {
            throw error("nesting deeper than \(Self.maximumDepth) levels")
        }
        depth += 1
        position += 1
    }

    private mutating func parseObject() throws(JSONSyntaxError) -> JSONValue {
        try enterContainer()
        defer { depth -= 1 }
        var members = OrderedMap<JSONValue>()
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            guard current == UInt8(ascii: "\"") else { throw error("expected a member name in double quotes") }
            let key = try parseString()
            skipWhitespace()
            try expect(":")
            skipWhitespace()
            members[key] = try parseValue()
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                skipWhitespace()
            } else if current == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            } else {
                throw error("expected ',' or '}' in object")
            }
        }
    }

    private mutating func parseArray() throws(JSONSyntaxError) -> JSONValue {
        try enterContainer()
        defer { depth -= 1 }
        var elements: [JSONValue] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            elements.append(try parseValue())
            skipWhitespace()
            if current == UInt8(ascii: ",") {
                position += 1
                skipWhitespace()
            } else if current == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            } else {
                throw error("expected ',' or ']' in array")
            }
        }
    }

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        position += 1
        var scalars = String.UnicodeScalarView()
        var runStart = position
        func flushRun(upTo end: Int) throws(JSONSyntaxError) {
            guard runStart < end else { return }
            guard let run = String(validating: bytes[runStart..<end], as: UTF8.self) else {
                throw error("invalid UTF-8 in string")
            }
            scalars.append(contentsOf: run.unicodeScalars)
        }
        while let byte = current {
            switch byte {
            case UInt8(ascii: "\""):
                try flushRun(upTo: position)
                position += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                try flushRun(upTo: position)
                position += 1
                scalars.append(try parseEscape())
                runStart = position
            case 0..<0x20:
                throw error("unescaped control character in string")
            default:
                position += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func parseEscape() throws(JSONSyntaxError) -> Unicode.Scalar {
        guard let byte = current else { throw error("unterminated escape sequence") }
        position += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try parseHexQuad()
            if UTF16.isLeadSurrogate(unit), bytes[position...].starts(with: Array("\\u".utf8)) {
                let resume = position
                position += 2
                let trail = try parseHexQuad()
                if UTF16.isTrailSurrogate(trail) {
                    let value = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(trail) - 0xDC00)
                    return Unicode.Scalar(value) ?? "\u{FFFD}"
                }
                position = resume
            }
            // A lone surrogate cannot live in a Swift string.
            return Unicode.Scalar(unit) ?? "\u{FFFD}"
        default:
            position -= 1
            throw error("invalid escape sequence \\\(Self.describe(byte))")
        }
    }

    private mutating func parseHexQuad() throws(JSONSyntaxError) -> UInt16 {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = Self.hexDigitValue(byte) else {
                throw error("expected four hexadecimal digits after \\u")
            }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONValue {
        let start = position
        if current == UInt8(ascii: "-") {
            position += 1
            if allowNonFiniteNumbers, current == UInt8(ascii: "I") {
                return try parseLiteral("Infinity", .double(-.infinity))
            }
        }
        if current == UInt8(ascii: "0") {
            position += 1
        } else if skipDigits() == 0 {
            throw error("expected a digit")
        }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard skipDigits() > 0 else { throw error("expected a digit after the decimal point") }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") {
                position += 1
            }
            guard skipDigits() > 0 else { throw error("expected a digit in the exponent") }
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger, let value = Int(text) {
            return .int(value)
        }
        guard let value = Double(text) else { throw error("invalid number \(text)") }
        return .double(value)
    }

    private mutating func skipDigits() -> Int {
        let start = position
        while let byte = current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
            position += 1
        }
        return position - start
    }

    private mutating func parseLiteral(_ literal: String, _ value: JSONValue) throws(JSONSyntaxError) -> JSONValue {
        guard bytes[position...].starts(with: literal.utf8) else {
            throw error("invalid literal, expected \(literal)")
        }
        position += literal.utf8.count
        return value
    }

    private mutating func expect(_ character: Unicode.Scalar) throws(JSONSyntaxError) {
        guard current == UInt8(ascii: character) else { throw error("expected '\(character)'") }
        position += 1
    }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            position += 1
        }
    }

    private func error(_ message: String) -> JSONSyntaxError {
        var line = 1
        var lineStart = 0
        for index in 0..<min(position, bytes.count) where bytes[index] == 0x0A {
            line += 1
            lineStart = index + 1
        }
        return JSONSyntaxError(line: line, column: position - lineStart + 1, message: message)
    }

    private static func hexDigitValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x\(String(byte, radix: 16))"
    }
}
