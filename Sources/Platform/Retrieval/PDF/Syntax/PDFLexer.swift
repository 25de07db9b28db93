/// Splits PDF bytes into tokens (ISO 32000-1, 7.2): numbers, names, literal and hexadecimal
/// strings, the array and dictionary brackets, and keywords (`obj`, `R`, `stream`, content
/// stream operators). Tolerant: a malformed number or escape is read as far as it makes sense,
/// and the lexer never reads outside `bytes[position..<end]`.
struct PDFLexer {
    enum Token: Equatable {
        case integer(Int)
        case real(Double)
        case name(String)
        case string([UInt8])
        case arrayOpen, arrayClose, dictionaryOpen, dictionaryClose
        case keyword(String)
        case end
    }

    let bytes: [UInt8]
    var position: Int
    let end: Int

    init(_ bytes: [UInt8], position: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.end = min(end ?? bytes.count, bytes.count)
        self.position = max(0, min(position, self.end))
    }

    static func isWhitespace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x0C || b == 0x00 }

    static func isDelimiter(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "["),
             UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "/"), UInt8(ascii: "%"):
            return true
        default:
            return false
        }
    }

    static func isRegular(_ b: UInt8) -> Bool { !isWhitespace(b) && !isDelimiter(b) }

    static func hexValue(_ b: UInt8) -> UInt8? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return b - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return b - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return b - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Latin-1 text of bytes: every byte is one character, so nothing is lost.
    static func latin1(_ bytes: some Sequence<UInt8>) -> String {
        var s = String.UnicodeScalarView()
        for b in bytes { s.append(Unicode.Scalar(b)) }
        return String(s)
    }

    mutating func skipWhitespaceAndComments() {
        while position < end {
            let b = bytes[position]
            if Self.isWhitespace(b) {
                position += 1
            } else if b == UInt8(ascii: "%") {
                while position < end, bytes[position] != 0x0A, bytes[position] != 0x0D { position += 1 }
            } else {
                return
            }
        }
    }

    /// The next token without consuming it.
    func peek() -> Token {
        var copy = self
        return copy.next()
    }

    mutating func next() -> Token {
        skipWhitespaceAndComments()
        guard position < end else { return .end }
        let b = bytes[position]
        switch b {
        case UInt8(ascii: "["): position += 1; return .arrayOpen
        case UInt8(ascii: "]"): position += 1; return .arrayClose
        case UInt8(ascii: "{"), UInt8(ascii: "}"): position += 1; return .keyword(b == UInt8(ascii: "{") ? "{" : "}")
        case UInt8(ascii: "("): position += 1; return .string(literalString())
        case UInt8(ascii: "/"): position += 1; return .name(name())
        case UInt8(ascii: "<"):
            if position + 1 < end, bytes[position + 1] == UInt8(ascii: "<") { position += 2; return .dictionaryOpen }
            position += 1
            return .string(hexString())
        case UInt8(ascii: ">"):
            if position + 1 < end, bytes[position + 1] == UInt8(ascii: ">") { position += 2; return .dictionaryClose }
            position += 1
            return .keyword(">")
        case UInt8(ascii: ")"):
            position += 1
            return .keyword(")")
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
            return number()
        default:
            let start = position
            while position < end, Self.isRegular(bytes[position]) { position += 1 }
            if position == start { position += 1 }
            return .keyword(Self.latin1(bytes[start..<position]))
        }
    }

    /// A number; a run like `--3` or `1.2.3` is read as far as it parses (as Acrobat does),
    /// and integers too long for `Int` become reals.
    private mutating func number() -> Token {
        let start = position
        while position < end, Self.isRegular(bytes[position]) { position += 1 }
        var negative = false
        var i = start
        while i < position, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") {
            if bytes[i] == UInt8(ascii: "-") { negative.toggle() }
            i += 1
        }
        var integer = 0
        var overflow = false
        var digits = 0
        while i < position, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
            let (m, o1) = integer.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(bytes[i] - UInt8(ascii: "0")))
            if o1 || o2 { overflow = true } else { integer = a }
            digits += 1
            i += 1
        }
        if i < position, bytes[i] == UInt8(ascii: ".") {
            i += 1
            var value = overflow ? Double.greatestFiniteMagnitude : Double(integer)
            var scale = 0.1
            while i < position, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") {
                value += Double(bytes[i] - UInt8(ascii: "0")) * scale
                scale /= 10
                i += 1
            }
            return .real(negative ? -value : value)
        }
        if digits == 0 {
            // A lone sign or junk that starts like a number: an operator-ish keyword.
            if position == start { position += 1 }
            return .keyword(Self.latin1(bytes[start..<position]))
        }
        if overflow { return .real(negative ? -Double.greatestFiniteMagnitude : Double.greatestFiniteMagnitude) }
        return .integer(negative ? -integer : integer)
    }

    /// A name after its slash, with `#xx` escapes decoded.
    private mutating func name() -> String {
        var out: [UInt8] = []
        while position < end, Self.isRegular(bytes[position]) {
            let b = bytes[position]
            if b == UInt8(ascii: "#"), position + 2 < end, let h = Self.hexValue(bytes[position + 1]), let l = Self.hexValue(bytes[position + 2]) {
                out.append(h << 4 | l)
                position += 3
            } else {
                out.append(b)
                position += 1
            }
        }
        return Self.latin1(out)
    }

    /// A literal string after its `(`: balanced parentheses, escapes, end-of-line normalised.
    private mutating func literalString() -> [UInt8] {
        var out: [UInt8] = []
        var depth = 1
        while position < end {
            let b = bytes[position]
            position += 1
            switch b {
            case UInt8(ascii: "("):
                depth += 1
                out.append(b)
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0 { return out }
                out.append(b)
            case UInt8(ascii: "\\"):
                guard position < end else { return out }
                let e = bytes[position]
                position += 1
                switch e {
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case 0x0D:
                    if position < end, bytes[position] == 0x0A { position += 1 }
                case 0x0A:
                    break
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = Int(e - UInt8(ascii: "0"))
                    var n = 1
                    while n < 3, position < end, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "7") {
                        value = value * 8 + Int(bytes[position] - UInt8(ascii: "0"))
                        position += 1
                        n += 1
                    }
                    out.append(UInt8(truncatingIfNeeded: value))
                default:
                    out.append(e)
                }
            case 0x0D:
                out.append(0x0A)
                if position < end, bytes[position] == 0x0A { position += 1 }
            default:
                out.append(b)
            }
        }
        return out
    }

    /// A hexadecimal string after its `<`; whitespace is ignored and an odd last digit is
    /// followed by 0.
    private mutating func hexString() -> [UInt8] {
        var out: [UInt8] = []
        var high: UInt8?
        while position < end {
            let b = bytes[position]
            position += 1
            if b == UInt8(ascii: ">") { break }
            guard let v = Self.hexValue(b) else { continue }
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        if let h = high { out.append(h << 4) }
        return out
    }

    /// Whether the bytes at `position` are `keyword` followed by a non-regular byte.
    func matches(_ keyword: String, at offset: Int) -> Bool {
        let k = Array(keyword.utf8)
        guard offset >= 0, offset + k.count <= end else { return false }
        for (i, c) in k.enumerated() where bytes[offset + i] != c { return false }
        return offset + k.count == end || !Self.isRegular(bytes[offset + k.count])
    }
}
