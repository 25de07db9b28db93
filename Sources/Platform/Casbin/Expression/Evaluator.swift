/// The values a matcher sees: the request and one policy row.
struct Scope {
    let requestKey: String
    let requestTokens: [String]
    let request: [Value]
    let policyKey: String
    let policyTokens: [String]
    let policy: [String]

    func value(of definition: String, _ token: String) throws -> Value {
        if definition == requestKey, let index = requestTokens.firstIndex(of: token) {
            return request[index]
        }
        if definition == policyKey, let index = policyTokens.firstIndex(of: token) {
            return .string(policy[index])
        }
        throw CasbinError(
            .evaluation,
            "unknown name '\(definition).\(token)' (request \(requestKey): \(requestTokens.joined(separator: ", ")); "
                + "policy \(policyKey): \(policyTokens.joined(separator: ", ")))")
    }
}

/// Parsed `eval()` rules, keyed by their text, so each policy rule is parsed once.
final class RuleCache {
    private var parsed: [String: Expression] = [:]
    private let roles: [String: Int]

    init(roles: [String: Int]) { self.roles = roles }

    func expression(for rule: String) throws -> Expression {
        if let cached = parsed[rule] { return cached }
        let expression: Expression
        do {
            expression = try Parser.parse(rule)
            try Model.validateCalls(in: expression, roles: roles)
        } catch let error as CasbinError {
            throw error.prefixed("eval rule `\(rule)`")
        }
        parsed[rule] = expression
        return expression
    }
}

/// Evaluates expressions with Python semantics (pycasbin evaluates matchers with
/// `simpleeval`): `&&`/`||` short-circuit and yield an operand, comparisons chain,
/// `in` tests list membership, substrings or object keys.
struct Evaluator {
    private static let maximumEvalDepth = 8

    let scope: Scope
    let roleManagers: [String: any RoleLinks]
    let rules: RuleCache
    var evalDepth = 0

    func evaluate(_ expression: Expression) throws -> Value {
        switch expression {
        case .literal(let value):
            return value
        case .field(let definition, let token):
            return try scope.value(of: definition, token)
        case .name(let name):
            throw CasbinError(.evaluation, "unknown name '\(name)'")
        case .member(let base, let attribute):
            return try member(attribute, of: try evaluate(base))
        case .call(let name, let arguments):
            return try call(name, arguments)
        case .list(let items):
            return .list(try items.map(evaluate))
        case .not(let operand):
            return .bool(!(try evaluate(operand).isTruthy))
        case .negate(let operand):
            let value = try evaluate(operand)
            guard let number = value.numeric else {
                throw CasbinError(.evaluation, "cannot negate \(value.typeName) \(value)")
            }
            return .number(-number)
        case .arithmetic(let operation, let lhs, let rhs):
            return try arithmetic(operation, try evaluate(lhs), try evaluate(rhs))
        case .and(let lhs, let rhs):
            let left = try evaluate(lhs)
            return left.isTruthy ? try evaluate(rhs) : left
        case .or(let lhs, let rhs):
            let left = try evaluate(lhs)
            return left.isTruthy ? left : try evaluate(rhs)
        case .comparison(let first, let steps):
            var left = try evaluate(first)
            for step in steps {
                let right = try evaluate(step.operand)
                guard try compare(left, step.comparison, right) else { return .bool(false) }
                left = right
            }
            return .bool(true)
        }
    }

    private func member(_ attribute: String, of value: Value) throws -> Value {
        guard case .object(let fields) = value else {
            throw CasbinError(.evaluation, "cannot read attribute '\(attribute)' of \(value.typeName) \(value)")
        }
        guard let field = fields[attribute] else {
            throw CasbinError(
                .evaluation,
                "object has no attribute '\(attribute)' (has: \(fields.keys.sorted().joined(separator: ", ")))")
        }
        return field
    }

    private func call(_ name: String, _ arguments: [Expression]) throws -> Value {
        if name == "eval" { return try evalRule(arguments) }
        let values = try arguments.map(evaluate)
        if let manager = roleManagers[name] {
            return .bool(try roleLink(name, manager, values))
        }
        return try BuiltinFunctions.call(name, values)
    }

    /// `eval(p.sub_rule)`: evaluates the text of the argument as an expression in this scope.
    private func evalRule(_ arguments: [Expression]) throws -> Value {
        guard arguments.count == 1 else {
            throw CasbinError(.arity, "eval expects 1 argument, got \(arguments.count)")
        }
        guard evalDepth < Evaluator.maximumEvalDepth else {
            throw CasbinError(.evaluation, "eval() nested more than \(Evaluator.maximumEvalDepth) levels deep")
        }
        let argument = try evaluate(arguments[0])
        guard case .string(let rule) = argument else {
            throw CasbinError(.evaluation, "eval expects a string rule, got \(argument.typeName) \(argument)")
        }
        var nested = self
        nested.evalDepth += 1
        return try nested.evaluate(try rules.expression(for: rule))
    }

    /// `g(user, role)` or `g(user, role, domain)`.
    private func roleLink(_ name: String, _ manager: any RoleLinks, _ values: [Value]) throws -> Bool {
        guard (2...3).contains(values.count) else {
            throw CasbinError(.arity, "\(name) expects 2-3 arguments, got \(values.count)")
        }
        let names = try values.prefix(2).map { value -> String in
            guard case .string(let text) = value else {
                throw CasbinError(.evaluation, "\(name): user and role must be strings, got \(value.typeName) \(value)")
            }
            return text
        }
        return manager.hasLink(names[0], names[1], domain: values.count == 3 ? values[2].plainText : nil)
    }

    private func compare(_ lhs: Value, _ comparison: ComparisonOperator, _ rhs: Value) throws -> Bool {
        switch comparison {
        case .equal: return lhs.isEqual(to: rhs)
        case .notEqual: return !lhs.isEqual(to: rhs)
        case .less: return try lhs.compare(to: rhs) == .less
        case .lessOrEqual: return try lhs.compare(to: rhs) != .greater
        case .greater: return try lhs.compare(to: rhs) == .greater
        case .greaterOrEqual: return try lhs.compare(to: rhs) != .less
        case .isIn: return try rhs.contains(lhs)
        case .notIn: return !(try rhs.contains(lhs))
        }
    }

    private func arithmetic(_ operation: ArithmeticOperator, _ lhs: Value, _ rhs: Value) throws -> Value {
        switch (operation, lhs, rhs) {
        case (.add, .string(let left), .string(let right)): return .string(left + right)
        case (.add, .list(let left), .list(let right)): return .list(left + right)
        default: break
        }
        guard let left = lhs.numeric, let right = rhs.numeric else {
            throw CasbinError(
                .evaluation,
                "unsupported operands for '\(operation.rawValue)': \(lhs.typeName) \(lhs) and \(rhs.typeName) \(rhs)")
        }
        switch operation {
        case .add: return .number(left + right)
        case .subtract: return .number(left - right)
        case .multiply: return .number(left * right)
        case .divide, .remainder:
            guard right != 0 else { throw CasbinError(.evaluation, "division by zero") }
            if operation == .divide { return .number(left / right) }
            return .number(left - right * (left / right).rounded(.down))
        }
    }
}
