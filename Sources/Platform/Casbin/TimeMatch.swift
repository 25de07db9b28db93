import Foundation

extension BuiltinFunctions {
    /// The time `timeMatch` compares with. The engine never reads the clock itself: a
    /// driver sets it for a decision (``Enforcer/enforce(request:context:at:)``, or
    /// `BuiltinFunctions.$currentTime.withValue(now) { … }`); without it `timeMatch` is an
    /// error.
    @TaskLocal public static var currentTime: Date?

    /// Whether the current local time lies strictly between `start` and `end`, both
    /// `YYYY-MM-DD HH:MM:SS` (Python `strptime("%Y-%m-%d %H:%M:%S")`); `_` leaves a
    /// side open. Unparsable or impossible dates (including year 0) are errors.
    public static func timeMatch(_ start: String, _ end: String) throws -> Bool {
        guard let date = currentTime else {
            throw CasbinError(.evaluation, "timeMatch needs the current time: enforce the request with 'at:'")
        }
        let now = LocalTimestamp(date)
        if start != "_" {
            guard now > (try LocalTimestamp(parsing: start)) else { return false }
        }
        if end != "_" {
            guard now < (try LocalTimestamp(parsing: end)) else { return false }
        }
        return true
    }
}

/// A naive local date-time compared field by field, like Python's `datetime`.
struct LocalTimestamp: Comparable {
    private var fields: [Int]  // year, month, day, hour, minute, second, nanosecond

    init(_ date: Date) {
        let calendar = Calendar(identifier: .gregorian)
        let parts = calendar.dateComponents(in: TimeZone.current, from: date)
        self.init(fields: [
            parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
            parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0, parts.nanosecond ?? 0,
        ])
    }

    private init(fields: [Int]) { self.fields = fields }

    init(parsing text: String) throws {
        var scanner = DigitScanner(Array(text.unicodeScalars))
        func fail() -> CasbinError {
            CasbinError(.evaluation, "timeMatch: '\(text)' does not match format 'YYYY-MM-DD HH:MM:SS'")
        }
        guard let year = scanner.number(exactly: 4), scanner.skip("-"),
            let month = scanner.number(upTo: 2, allowingZero: false), scanner.skip("-"),
            let day = scanner.number(upTo: 2, allowingZero: false), scanner.skipWhitespace(),
            let hour = scanner.number(upTo: 2, allowingZero: true), scanner.skip(":"),
            let minute = scanner.number(upTo: 2, allowingZero: true), scanner.skip(":"),
            let second = scanner.number(upTo: 2, allowingZero: true), scanner.atEnd
        else { throw fail() }
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...LocalTimestamp.daysIn(month: month, year: year)).contains(day),
            hour < 24, minute < 60, second < 60
        else { throw CasbinError(.evaluation, "timeMatch: '\(text)' is not a valid date and time") }
        fields = [year, month, day, hour, minute, second, 0]
    }

    static func < (lhs: LocalTimestamp, rhs: LocalTimestamp) -> Bool {
        lhs.fields.lexicographicallyPrecedes(rhs.fields)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// Reads the unsigned numbers and separators of a timestamp.
private struct DigitScanner {
    let text: [Unicode.Scalar]
    var index = 0

    init(_ text: [Unicode.Scalar]) { self.text = text }

    var atEnd: Bool { index == text.count }

    mutating func skip(_ separator: Unicode.Scalar) -> Bool {
        guard index < text.count, text[index] == separator else { return false }
        index += 1
        return true
    }

    mutating func skipWhitespace() -> Bool {
        let start = index
        while index < text.count, text[index].properties.isWhitespace { index += 1 }
        return index > start
    }

    mutating func number(exactly count: Int) -> Int? {
        guard index + count <= text.count, text[index..<(index + count)].allSatisfy(\.isDigit) else { return nil }
        defer { index += count }
        return Int(String(String.UnicodeScalarView(text[index..<(index + count)])))
    }

    /// One or two digits; a lone `0` only when `allowingZero` (strptime's `%m`/`%d` reject it).
    mutating func number(upTo maximum: Int, allowingZero: Bool) -> Int? {
        var end = index
        while end < text.count, end - index < maximum, text[end].isDigit { end += 1 }
        guard end > index else { return nil }
        let digits = String(String.UnicodeScalarView(text[index..<end]))
        if digits == "0" && !allowingZero { return nil }
        index = end
        return Int(digits)
    }
}
