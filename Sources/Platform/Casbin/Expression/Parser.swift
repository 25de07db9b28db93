/// Recursive-descent parser for matcher expressions.
///
/// Precedence follows pycasbin, which rewrites `&&`, `||`, `!` to Python's
/// `and`, `or`, `not` before evaluating (lowest first):
///
///     or_expr    := and_expr (('||' | 'or') and_expr)*
///     and_expr   := not_expr (('&&' | 'and') not_expr)*
///     not_expr   := ('!' | 'not') not_expr | comparison
///     comparison := additive (comp_op additive)*        comp_op: == != < <= > >= in, not in
///     additive   := term (('+' | '-') term)*
///     term       := unary (('*' | '/' | '%') unary)*
///     unary      := ('-' | '+' | '!') unary | postfix
///     postfix    := primary ('.' IDENT)*
///     primary    := NUMBER | STRING | true | false | IDENT | IDENT '(' args ')'
///                 | '(' expr ')' | '(' expr ',' … ')' | '[' … ']'
///
/// so `!a == b` means `!(a == b)`, as in pycasbin. `r.sub` / `r_sub` become
/// `.field` nodes; further `.Name` parts are attribute accesses.
struct Parser {
    private let source: String
    private let tokens: [Token]
    private var position = 0

    /// Parses a complete expression or throws a `.syntax` error naming the column.
    static func parse(_ source: String) throws -> Expression {
        var parser = Parser(source: source, tokens: try Lexer.tokenize(source))
        let expression = try parser.parseOr()
        guard parser.current.kind == .end else { throw parser.unexpected() }
        return expression
    }

    private init(source: String, tokens: [Token]) {
        self.source = source
        self.tokens = tokens
    }

    // MARK: Grammar

    private mutating func parseOr() throws -> Expression {
        var expression = try parseAnd()
        while accept(symbol: "||") || accept(keyword: "or") {
            expression = .or(expression, try parseAnd())
        }
        return expression
    }

    private mutating func parseAnd() throws -> Expression {
        var expression = try parseNot()
        while accept(symbol: "&&") || accept(keyword: "and") {
            expression = .and(expression, try parseNot())
        }
        return expression
    }

    private mutating func parseNot() throws -> Expression {
        if accept(symbol: "!") || accept(keyword: "not") {
            return .not(try parseNot())
        }
        return try parseComparison()
    }

    private mutating func parseComparison() throws -> Expression {
        let first = try parseAdditive()
        var steps: [ComparisonStep] = []
        while let comparison = acceptComparisonOperator() {
            steps.append(ComparisonStep(comparison: comparison, operand: try parseAdditive()))
        }
        return steps.isEmpty ? first : .comparison(first, steps)
    }

    private mutating func parseAdditive() throws -> Expression {
        var expression = try parseTerm()
        while true {
            if accept(symbol: "+") {
                expression = .arithmetic(.add, expression, try parseTerm())
            } else if accept(symbol: "-") {
                expression = .arithmetic(.subtract, expression, try parseTerm())
            } else {
                return expression
            }
        }
    }

    private mutating func parseTerm() throws -> Expression {
        var expression = try parseUnary()
        while true {
            if accept(symbol: "*") {
                expression = .arithmetic(.multiply, expression, try parseUnary())
            } else if accept(symbol: "/") {
                expression = .arithmetic(.divide, expression, try parseUnary())
            } else if accept(symbol: "%") {
                expression = .arithmetic(.remainder, expression, try parseUnary())
            } else {
                return expression
            }
        }
    }

    private mutating func parseUnary() throws -> Expression {
        if accept(symbol: "-") { return .negate(try parseUnary()) }
        if accept(symbol: "+") { return .arithmetic(.add, .literal(.number(0)), try parseUnary()) }
        if accept(symbol: "!") { return .not(try parseUnary()) }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws -> Expression {
        var expression = try parsePrimary()
        while accept(symbol: ".") {
            let name = try expectIdentifier()
            if case .name(let definition) = expression, Parser.isDefinitionKey(definition) {
                expression = .field(definition: definition, token: name)
            } else {
                expression = .member(expression, name)
            }
        }
        return expression
    }

    private mutating func parsePrimary() throws -> Expression {
        let token = current
        switch token.kind {
        case .number(let number):
            position += 1
            return .literal(.number(number))
        case .string(let text):
            position += 1
            return .literal(.string(text))
        case .identifier(let name):
            position += 1
            switch name {
            case "true", "True": return .literal(.bool(true))
            case "false", "False": return .literal(.bool(false))
            case "and", "or", "not", "in": throw unexpected(token)
            default: break
            }
            if accept(symbol: "(") {
                return .call(name, try parseSequence(closing: ")"))
            }
            return Parser.resolve(name)
        case .symbol("("):
            position += 1
            let first = try parseOr()
            if accept(symbol: ")") { return first }
            try expect(symbol: ",")
            return .list([first] + (try parseSequence(closing: ")")))
        case .symbol("["):
            position += 1
            return .list(try parseSequence(closing: "]"))
        default:
            throw unexpected(token)
        }
    }

    /// Comma-separated expressions up to `closing` (a trailing comma is allowed).
    private mutating func parseSequence(closing: String) throws -> [Expression] {
        var items: [Expression] = []
        while !accept(symbol: closing) {
            items.append(try parseOr())
            if !accept(symbol: ",") {
                try expect(symbol: closing)
                break
            }
        }
        return items
    }

    // MARK: Names

    /// `r`, `p`, `r2`, `p10`, …: the keys whose tokens a matcher can reference.
    static func isDefinitionKey(_ name: String) -> Bool {
        let scalars = Array(name.unicodeScalars)
        guard let first = scalars.first, first == "r" || first == "p" else { return false }
        return scalars.dropFirst().allSatisfy(\.isDigit)
    }

    /// Maps the escaped spelling `r_sub` / `p2_sub_rule` to a field; other names stay names.
    private static func resolve(_ name: String) -> Expression {
        if let underscore = name.firstIndex(of: "_") {
            let definition = String(name[..<underscore])
            let token = String(name[name.index(after: underscore)...])
            if isDefinitionKey(definition), !token.isEmpty {
                return .field(definition: definition, token: token)
            }
        }
        return .name(name)
    }

    // MARK: Token helpers

    private var current: Token { tokens[min(position, tokens.count - 1)] }

    private mutating func accept(symbol: String) -> Bool {
        guard current.kind == .symbol(symbol) else { return false }
        position += 1
        return true
    }

    private mutating func accept(keyword: String) -> Bool {
        guard current.kind == .identifier(keyword) else { return false }
        position += 1
        return true
    }

    private mutating func acceptComparisonOperator() -> ComparisonOperator? {
        if case .symbol(let symbol) = current.kind,
            let comparison = ComparisonOperator(rawValue: symbol), comparison != .isIn, comparison != .notIn
        {
            position += 1
            return comparison
        }
        if accept(keyword: "in") { return .isIn }
        if current.kind == .identifier("not"), position + 1 < tokens.count,
            tokens[position + 1].kind == .identifier("in")
        {
            position += 2
            return .notIn
        }
        return nil
    }

    private mutating func expect(symbol: String) throws {
        guard accept(symbol: symbol) else { throw unexpected(expecting: "'\(symbol)'") }
    }

    private mutating func expectIdentifier() throws -> String {
        guard case .identifier(let name) = current.kind else { throw unexpected(expecting: "a name") }
        position += 1
        return name
    }

    private func unexpected(_ token: Token? = nil, expecting: String? = nil) -> CasbinError {
        let token = token ?? current
        let found: String
        switch token.kind {
        case .identifier(let name): found = "'\(name)'"
        case .number(let number): found = Value.format(number)
        case .string(let text): found = Value.string(text).description
        case .symbol(let symbol): found = "'\(symbol)'"
        case .end: found = "end of expression"
        }
        let wanted = expecting.map { ", expected \($0)" } ?? ""
        return CasbinError(.syntax, "column \(token.column): unexpected \(found)\(wanted) in `\(source)`")
    }
}
