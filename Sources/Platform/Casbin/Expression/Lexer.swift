/// A lexical token of the matcher language, with its 1-based column.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        case identifier(String)
        case number(Double)
        case string(String)
        /// Operators and punctuation: `&& || ! == != < <= > >= + - * / % ( ) [ ] , .`
        case symbol(String)
        case end
    }

    let kind: Kind
    let column: Int
}

/// Splits matcher text into tokens. String literals use single or double quotes
/// with Python's common escapes (`\\ \' \" \n \t \r`; other escapes stay verbatim).
enum Lexer {
    private static let symbols = [
        "&&", "||", "==", "!=", "<=", ">=", "!", "<", ">", "+", "-", "*", "/", "%",
        "(", ")", "[", "]", ",", ".",
    ]

    static func tokenize(_ source: String) throws -> [Token] {
        let text = Array(source.unicodeScalars)
        var tokens: [Token] = []
        var index = 0

        func error(_ message: String, at position: Int) -> CasbinError {
            CasbinError(.syntax, "column \(position + 1): \(message) in `\(source)`")
        }

        while index < text.count {
            let scalar = text[index]
            let start = index
            if scalar.properties.isWhitespace {
                index += 1
            } else if scalar.isIdentifierStart {
                while index < text.count, text[index].isIdentifierPart { index += 1 }
                tokens.append(
                    Token(
                        kind: .identifier(String(String.UnicodeScalarView(text[start..<index]))),
                        column: start + 1))
            } else if scalar.isDigit {
                index = scanNumber(text, from: index)
                let literal = String(String.UnicodeScalarView(text[start..<index]))
                guard let number = Double(literal) else { throw error("malformed number '\(literal)'", at: start) }
                tokens.append(Token(kind: .number(number), column: start + 1))
            } else if scalar == "'" || scalar == "\"" {
                let (value, next) = try scanString(text, from: index) {
                    error("unterminated string literal", at: start)
                }
                tokens.append(Token(kind: .string(value), column: start + 1))
                index = next
            } else if let symbol = symbols.first(where: { text.hasPrefix($0, at: index) }) {
                tokens.append(Token(kind: .symbol(symbol), column: start + 1))
                index += symbol.unicodeScalars.count
            } else if scalar == "=" {
                throw error("unexpected '=' (use '==' to compare)", at: start)
            } else {
                throw error("unknown token '\(scalar)'", at: start)
            }
        }
        tokens.append(Token(kind: .end, column: text.count + 1))
        return tokens
    }

    private static func scanNumber(_ text: [Unicode.Scalar], from start: Int) -> Int {
        var index = start
        while index < text.count, text[index].isDigit { index += 1 }
        if index + 1 < text.count, text[index] == ".", text[index + 1].isDigit {
            index += 1
            while index < text.count, text[index].isDigit { index += 1 }
        }
        if index < text.count, text[index] == "e" || text[index] == "E" {
            var exponent = index + 1
            if exponent < text.count, text[exponent] == "+" || text[exponent] == "-" { exponent += 1 }
            if exponent < text.count, text[exponent].isDigit {
                index = exponent
                while index < text.count, text[index].isDigit { index += 1 }
            }
        }
        return index
    }

    private static func scanString(
        _ text: [Unicode.Scalar], from start: Int, unterminated: () -> CasbinError
    ) throws -> (String, Int) {
        let quote = text[start]
        var value = String.UnicodeScalarView()
        var index = start + 1
        while index < text.count {
            let scalar = text[index]
            if scalar == quote { return (String(value), index + 1) }
            if scalar == "\\", index + 1 < text.count {
                let escaped = text[index + 1]
                switch escaped {
                case "n": value.append("\n")
                case "t": value.append("\t")
                case "r": value.append("\r")
                case "\\", "'", "\"": value.append(escaped)
                default:
                    value.append(scalar)
                    value.append(escaped)
                }
                index += 2
            } else {
                value.append(scalar)
                index += 1
            }
        }
        throw unterminated()
    }
}

extension Unicode.Scalar {
    var isDigit: Bool { ("0"..."9").contains(self) }
    var isIdentifierStart: Bool { self == "_" || properties.isAlphabetic }
    var isIdentifierPart: Bool { isIdentifierStart || isDigit }
}

extension Array where Element == Unicode.Scalar {
    func hasPrefix(_ prefix: String, at index: Int) -> Bool {
        var position = index
        for scalar in prefix.unicodeScalars {
            guard position < count, self[position] == scalar else { return false }
            position += 1
        }
        return true
    }
}
