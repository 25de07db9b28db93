import Base

/// A JSONPath query (RFC 9535) as used by condition properties such as
/// `$.identity.identifier` or `$['environment']['name']`.
///
/// Supports name, wildcard, index and slice selectors in child and
/// descendant segments. Filter selectors are not supported; such queries are
/// treated like invalid ones, i.e. the property is only a trait name.
/// Member-name shorthands follow the reference library (`jsonpath-rfc9535`):
/// after the first character they may also contain `-`.
struct JSONPathQuery {
    enum Selector {
        case name(String)
        case wildcard
        case index(Int)
        case slice(start: Int?, end: Int?, step: Int?)
    }

    struct Segment {
        let selectors: [Selector]
        let isDescendant: Bool
    }

    let segments: [Segment]

    /// Parses a query; `nil` if it is not a well-formed (supported) query.
    init?(_ text: String) {
        var parser = JSONPathParser(scalars: Array(text.unicodeScalars))
        guard let segments = parser.parseQuery() else { return nil }
        self.segments = segments
    }

    /// The first node the query selects in `root`, as `find_one` returns it.
    func firstMatch(in root: JSONValue) -> JSONValue? {
        matches(in: root).first
    }

    /// All nodes the query selects in `root`, in RFC 9535 order.
    func matches(in root: JSONValue) -> [JSONValue] {
        segments.reduce([root]) { nodes, segment in
            nodes.flatMap { node in
                segment.isDescendant
                    ? Self.descendantsAndSelf(node).flatMap { Self.select(segment.selectors, from: $0) }
                    : Self.select(segment.selectors, from: node)
            }
        }
    }

    private static func select(_ selectors: [Selector], from node: JSONValue) -> [JSONValue] {
        selectors.flatMap { selector -> [JSONValue] in
            switch (selector, node) {
            case let (.name(name), .object(members)):
                return members[name].map { [$0] } ?? []
            case let (.wildcard, .object(members)):
                return members.values
            case let (.wildcard, .array(elements)):
                return elements
            case let (.index(index), .array(elements)):
                let position = index < 0 ? elements.count + index : index
                return elements.indices.contains(position) ? [elements[position]] : []
            case let (.slice(start, end, step), .array(elements)):
                return slice(elements, start: start, end: end, step: step ?? 1)
            default:
                return []
            }
        }
    }

    /// The node followed by its descendants, parents before children.
    private static func descendantsAndSelf(_ node: JSONValue) -> [JSONValue] {
        switch node {
        case .array(let elements): [node] + elements.flatMap(descendantsAndSelf)
        case .object(let members): [node] + members.values.flatMap(descendantsAndSelf)
        default: [node]
        }
    }

    /// RFC 9535 §2.3.4.2.2 slice semantics.
    private static func slice(_ elements: [JSONValue], start: Int?, end: Int?, step: Int) -> [JSONValue] {
        let length = elements.count
        func normalized(_ index: Int) -> Int { index >= 0 ? index : length + index }
        var result: [JSONValue] = []
        if step > 0 {
            let lower = min(max(normalized(start ?? 0), 0), length)
            let upper = min(max(normalized(end ?? length), 0), length)
            for index in stride(from: lower, to: upper, by: step) {
                result.append(elements[index])
            }
        } else if step < 0 {
            let upper = min(max(normalized(start ?? length - 1), -1), length - 1)
            let lower = min(max(normalized(end ?? -length - 1), -1), length - 1)
            for index in stride(from: upper, to: lower, by: step) {
                result.append(elements[index])
            }
        }
        return result
    }
}

/// Recursive-descent parser for the RFC 9535 grammar (without filters).
private struct JSONPathParser {
    /// The largest magnitude of an index or slice bound (I-JSON exact integers).
    private static let maximumInteger = (1 << 53) - 1

    let scalars: [Unicode.Scalar]
    private var position = 0

    init(scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    mutating func parseQuery() -> [JSONPathQuery.Segment]? {
        guard current == "$" else { return nil }
        position += 1
        var segments: [JSONPathQuery.Segment] = []
        while position < scalars.count {
            skipBlanks()
            guard let segment = parseSegment() else { return nil }
            segments.append(segment)
        }
        return segments
    }

    private mutating func parseSegment() -> JSONPathQuery.Segment? {
        switch current {
        case "[":
            return parseBracketedSelection().map { .init(selectors: $0, isDescendant: false) }
        case ".":
            position += 1
            let isDescendant = current == "."
            if isDescendant { position += 1 }
            if isDescendant, current == "[" {
                return parseBracketedSelection().map { .init(selectors: $0, isDescendant: true) }
            }
            if current == "*" {
                position += 1
                return .init(selectors: [.wildcard], isDescendant: isDescendant)
            }
            return parseMemberName().map { .init(selectors: [.name($0)], isDescendant: isDescendant) }
        default:
            return nil
        }
    }

    private mutating func parseMemberName() -> String? {
        guard let first = current, Self.isNameFirst(first) else { return nil }
        var name = String.UnicodeScalarView()
        while let scalar = current, Self.isNameFirst(scalar) || ("0"..."9").contains(scalar) || scalar == "-" {
            name.append(scalar)
            position += 1
        }
        return String(name)
    }

    private mutating func parseBracketedSelection() -> [JSONPathQuery.Selector]? {
        position += 1
        var selectors: [JSONPathQuery.Selector] = []
        while true {
            skipBlanks()
            guard let selector = parseSelector() else { return nil }
            selectors.append(selector)
            skipBlanks()
            switch current {
            case ",": position += 1
            case "]":
                position += 1
                return selectors
            default: return nil
            }
        }
    }

    private mutating func parseSelector() -> JSONPathQuery.Selector? {
        switch current {
        case "\"", "'": return parseStringLiteral().map { .name($0) }
        case "*":
            position += 1
            return .wildcard
        default: return parseIndexOrSlice()
        }
    }

    private mutating func parseIndexOrSlice() -> JSONPathQuery.Selector? {
        let start = parseInteger()
        skipBlanks()
        guard current == ":" else {
            return start.map { .index($0) }
        }
        position += 1
        skipBlanks()
        let end = parseInteger()
        skipBlanks()
        var step: Int?
        if current == ":" {
            position += 1
            skipBlanks()
            step = parseInteger()
        }
        return .slice(start: start, end: end, step: step)
    }

    /// `0` or an optionally negative integer without leading zeros; `nil`
    /// (consuming nothing) if none is here.
    private mutating func parseInteger() -> Int? {
        let start = position
        var digits = ""
        if current == "-" {
            digits.append("-")
            position += 1
        }
        while let scalar = current, ("0"..."9").contains(scalar) {
            digits.unicodeScalars.append(scalar)
            position += 1
        }
        let magnitude = digits.hasPrefix("-") ? digits.dropFirst() : Substring(digits)
        let isWellFormed = !magnitude.isEmpty && (magnitude == "0" ? digits == "0" : !magnitude.hasPrefix("0"))
        guard isWellFormed, let value = Int(digits), abs(value) <= Self.maximumInteger else {
            position = start
            return nil
        }
        return value
    }

    private mutating func parseStringLiteral() -> String? {
        guard let quote = current else { return nil }
        position += 1
        var text = String.UnicodeScalarView()
        while let scalar = current {
            position += 1
            switch scalar {
            case quote:
                return String(text)
            case "\\":
                guard let escaped = parseEscape(quote: quote) else { return nil }
                text.append(escaped)
            case "\u{00}"..."\u{1F}":
                return nil
            default:
                text.append(scalar)
            }
        }
        return nil
    }

    private mutating func parseEscape(quote: Unicode.Scalar) -> Unicode.Scalar? {
        guard let scalar = current else { return nil }
        position += 1
        switch scalar {
        case quote, "\\", "/": return scalar
        case "b": return "\u{08}"
        case "f": return "\u{0C}"
        case "n": return "\n"
        case "r": return "\r"
        case "t": return "\t"
        case "u":
            guard let unit = parseHexQuad() else { return nil }
            if UTF16.isTrailSurrogate(unit) { return nil }
            if UTF16.isLeadSurrogate(unit) {
                guard current == "\\" else { return nil }
                position += 1
                guard current == "u" else { return nil }
                position += 1
                guard let trail = parseHexQuad(), UTF16.isTrailSurrogate(trail) else { return nil }
                return Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(trail) - 0xDC00))
            }
            return Unicode.Scalar(unit)
        default:
            return nil
        }
    }

    private mutating func parseHexQuad() -> UInt16? {
        var value: UInt16 = 0
        for _ in 0..<4 {
            guard let scalar = current, let digit = Character(scalar).hexDigitValue else { return nil }
            value = value << 4 | UInt16(digit)
            position += 1
        }
        return value
    }

    private mutating func skipBlanks() {
        while let scalar = current, scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
            position += 1
        }
    }

    /// A letter, `_` or a non-ASCII character of the Basic Multilingual Plane.
    /// (RFC 9535 also allows characters beyond it; the reference library does not.)
    private static func isNameFirst(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_"
            || (0x80...0xFFFF).contains(scalar.value)
    }
}
