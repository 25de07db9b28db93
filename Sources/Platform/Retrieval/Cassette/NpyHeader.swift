/// The header of a `.npy` file: a Python dict literal such as
/// `{'descr': '<f4', 'fortran_order': False, 'shape': (5362, 384), }`.
///
/// The parser accepts exactly the literal subset NumPy writes — quoted strings, `True`,
/// `False`, integers and tuples of integers — and requires exactly the three keys `descr`,
/// `fortran_order` and `shape`, as NumPy's own reader does.
struct NpyHeader: Equatable {
    var descr: String
    var fortranOrder: Bool
    var shape: [Int]

    struct ParseError: Error {
        var reason: String
    }

    private enum Value {
        case string(String)
        case bool(Bool)
        case integer(Int)
        case tuple([Int])
    }

    init(parsing text: String) throws {
        var parser = Parser(Array(text.unicodeScalars))
        let entries = try parser.parseDictionary()
        parser.skipWhitespace()
        guard parser.isAtEnd else { throw ParseError(reason: "unexpected text after the closing brace") }

        let keys = entries.map(\.key).sorted()
        guard keys == ["descr", "fortran_order", "shape"] else {
            throw ParseError(reason: "keys are \(keys); expected exactly descr, fortran_order and shape")
        }
        var descr: String?
        var fortranOrder: Bool?
        var shape: [Int]?
        for (key, value) in entries {
            switch (key, value) {
            case let ("descr", .string(text)): descr = text
            case let ("fortran_order", .bool(flag)): fortranOrder = flag
            case let ("shape", .tuple(dimensions)): shape = dimensions
            default: throw ParseError(reason: "'\(key)' has a value of the wrong type")
            }
        }
        guard let descr, let fortranOrder, let shape else {
            throw ParseError(reason: "a required key is missing")
        }
        guard shape.allSatisfy({ $0 >= 0 }) else { throw ParseError(reason: "shape \(shape) has a negative dimension") }
        self.descr = descr
        self.fortranOrder = fortranOrder
        self.shape = shape
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var position = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var isAtEnd: Bool { position >= scalars.count }

        mutating func skipWhitespace() {
            while !isAtEnd, scalars[position].properties.isWhitespace { position += 1 }
        }

        mutating func expect(_ character: Unicode.Scalar) throws {
            skipWhitespace()
            guard !isAtEnd, scalars[position] == character else {
                throw ParseError(reason: "expected '\(character)' at offset \(position)")
            }
            position += 1
        }

        /// Consumes `character` if it comes next (after whitespace).
        mutating func consume(_ character: Unicode.Scalar) -> Bool {
            skipWhitespace()
            if !isAtEnd, scalars[position] == character {
                position += 1
                return true
            }
            return false
        }

        mutating func parseDictionary() throws -> [(key: String, value: Value)] {
            try expect("{")
            var entries: [(key: String, value: Value)] = []
            while !consume("}") {
                let key = try parseString()
                try expect(":")
                let value = try parseValue()
                if entries.contains(where: { $0.key == key }) {
                    throw ParseError(reason: "key '\(key)' appears twice")
                }
                entries.append((key, value))
                if !consume(",") {
                    try expect("}")
                    break
                }
            }
            return entries
        }

        mutating func parseValue() throws -> Value {
            skipWhitespace()
            guard !isAtEnd else { throw ParseError(reason: "unexpected end of header") }
            switch scalars[position] {
            case "'", "\"":
                return .string(try parseString())
            case "(":
                return .tuple(try parseTuple())
            case "0"..."9", "-":
                return .integer(try parseInteger())
            default:
                if consumeWord("True") { return .bool(true) }
                if consumeWord("False") { return .bool(false) }
                throw ParseError(reason: "unexpected value at offset \(position)")
            }
        }

        mutating func consumeWord(_ word: String) -> Bool {
            let wordScalars = Array(word.unicodeScalars)
            guard position + wordScalars.count <= scalars.count,
                  Array(scalars[position ..< position + wordScalars.count]) == wordScalars else { return false }
            position += wordScalars.count
            return true
        }

        mutating func parseString() throws -> String {
            skipWhitespace()
            guard !isAtEnd, scalars[position] == "'" || scalars[position] == "\"" else {
                throw ParseError(reason: "expected a quoted string at offset \(position)")
            }
            let quote = scalars[position]
            position += 1
            var result = String.UnicodeScalarView()
            while !isAtEnd, scalars[position] != quote {
                guard scalars[position] != "\\" else {
                    throw ParseError(reason: "escape sequences in strings are not supported")
                }
                result.append(scalars[position])
                position += 1
            }
            guard !isAtEnd else { throw ParseError(reason: "unterminated string") }
            position += 1
            return String(result)
        }

        mutating func parseInteger() throws -> Int {
            skipWhitespace()
            let start = position
            if !isAtEnd, scalars[position] == "-" { position += 1 }
            while !isAtEnd, ("0"..."9").contains(scalars[position]) { position += 1 }
            // NumPy on some platforms writes Python 2 longs such as `5362L`.
            let digits = String(String.UnicodeScalarView(scalars[start..<position]))
            if !isAtEnd, scalars[position] == "L" { position += 1 }
            guard let value = Int(digits) else {
                throw ParseError(reason: "'\(digits)' is not an integer")
            }
            return value
        }

        mutating func parseTuple() throws -> [Int] {
            try expect("(")
            var items: [Int] = []
            while !consume(")") {
                items.append(try parseInteger())
                if !consume(",") {
                    try expect(")")
                    break
                }
            }
            return items
        }
    }
}
