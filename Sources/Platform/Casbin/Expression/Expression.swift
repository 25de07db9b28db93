/// The syntax tree of a matcher or `eval()` rule.
indirect enum Expression: Sendable {
    case literal(Value)
    /// `r.sub`, `p2.sub_rule`, or the escaped spelling `r_sub`: a token of a request
    /// or policy definition, looked up in the evaluation scope.
    case field(definition: String, token: String)
    /// A bare identifier that is not a definition token; evaluating it fails.
    case name(String)
    /// Attribute access on an object value: `r.sub.Age`.
    case member(Expression, String)
    case call(String, [Expression])
    /// A tuple `('a', 'b')` or list `['a', 'b']` literal.
    case list([Expression])
    case not(Expression)
    case negate(Expression)
    case arithmetic(ArithmeticOperator, Expression, Expression)
    case and(Expression, Expression)
    case or(Expression, Expression)
    /// A Python-style comparison chain: `a < b <= c` means `a < b and b <= c`.
    case comparison(Expression, [ComparisonStep])

    /// Every function name called anywhere in the tree, with its argument count.
    var calls: [(name: String, arity: Int)] {
        switch self {
        case .literal, .field, .name: return []
        case .member(let base, _), .not(let base), .negate(let base): return base.calls
        case .call(let name, let arguments): return [(name, arguments.count)] + arguments.flatMap(\.calls)
        case .list(let items): return items.flatMap(\.calls)
        case .arithmetic(_, let lhs, let rhs), .and(let lhs, let rhs), .or(let lhs, let rhs):
            return lhs.calls + rhs.calls
        case .comparison(let first, let steps): return first.calls + steps.flatMap(\.operand.calls)
        }
    }
}

enum ArithmeticOperator: String, Sendable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
    case remainder = "%"
}

enum ComparisonOperator: String, Sendable {
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case isIn = "in"
    case notIn = "not in"
}

struct ComparisonStep: Sendable {
    let comparison: ComparisonOperator
    let operand: Expression
}
