import Foundation
import Synchronization

/// Which request, policy, effect and matcher definitions an `enforce` call uses
/// (Casbin's `EnforceContext`); the default is `r`, `p`, `e`, `m`.
public struct EnforceContext: Sendable, Hashable {
    public var requestType: String
    public var policyType: String
    public var effectType: String
    public var matcherType: String

    public init(
        requestType: String = "r", policyType: String = "p", effectType: String = "e", matcherType: String = "m"
    ) {
        self.requestType = requestType
        self.policyType = policyType
        self.effectType = effectType
        self.matcherType = matcherType
    }
}

/// The result of an `enforce` call.
public struct Decision: Sendable, Equatable, CustomStringConvertible {
    /// Whether the request is allowed.
    public let allowed: Bool
    /// The last policy rule the matcher accepted before the effect was decided
    /// (pycasbin's `enforce_ex` explanation), or `nil` if none matched.
    public let matchedRule: PolicyRule?
    /// A one-line human-readable account of the decision.
    public let explanation: String

    public var description: String { explanation }
}

/// A Casbin enforcer: a model, its policy and one role manager per role definition.
///
/// Thread-safe: every call runs under an internal lock, because role look-ups update
/// the role managers' bookkeeping exactly like pycasbin's.
public final class Enforcer: Sendable {
    /// The model this enforcer evaluates.
    public let model: Model
    private let state: Mutex<State>

    private struct State {
        var policies: PolicyStore
        let roleManagers: [String: any RoleLinks]
        let rules: RuleCache
    }

    /// Loads a model file and, optionally, a CSV policy file.
    public convenience init(modelPath: String, policyPath: String? = nil) throws {
        let model = try Model(contentsOf: modelPath)
        let policyText = try policyPath.map(readText) ?? ""
        try self.init(model: model, lines: try PolicyParser.parseLines(policyText), source: policyPath ?? "policy")
    }

    /// Parses a model and a CSV policy given as text.
    public convenience init(modelText: String, policyText: String = "") throws {
        try self.init(
            model: try Model(text: modelText), lines: try PolicyParser.parseLines(policyText), source: "policy")
    }

    /// Creates an enforcer from a parsed model and policy rules (as if read from a file,
    /// in order; rules whose type the model does not define are ignored).
    public convenience init(model: Model, rules: [PolicyRule] = []) throws {
        try self.init(model: model, lines: rules.enumerated().map { ($1, $0 + 1) }, source: "rules")
    }

    private init(model: Model, lines: [(rule: PolicyRule, line: Int)], source: String) throws {
        let policies: PolicyStore
        do {
            policies = try PolicyStore(loading: lines, for: model)
        } catch let error as CasbinError {
            throw error.prefixed(source)
        }
        var managers: [String: any RoleLinks] = [:]
        for (ptype, arity) in model.roleDefinitions {
            let manager: any RoleLinks = arity == 3 ? DomainRoleManager() : RoleManager()
            for row in policies.rules[ptype] ?? [] {
                manager.addLink(row[0], row[1], domain: arity == 3 ? row[2] : nil)
            }
            managers[ptype] = manager
        }
        self.model = model
        state = Mutex(State(policies: policies, roleManagers: managers, rules: RuleCache(roles: model.roleDefinitions)))
    }

    // MARK: Enforcement

    /// Decides whether `request` (values in the order of the request definition's
    /// tokens) is allowed.
    public func enforce(request: [Value], context: EnforceContext? = nil) throws -> Decision {
        try decide(request: request, context: context)
    }

    /// Decides a request at a given time (what `timeMatch` compares with).
    public func enforce(request: [Value], context: EnforceContext? = nil, at now: Date) throws -> Decision {
        try BuiltinFunctions.$currentTime.withValue(now) { try decide(request: request, context: context) }
    }

    private func decide(request: [Value], context: EnforceContext?) throws -> Decision {
        let context = context ?? EnforceContext()
        guard let requestTokens = model.requestDefinitions[context.requestType] else {
            throw CasbinError(.request, "the model has no request definition '\(context.requestType)'")
        }
        guard let policyTokens = model.policyDefinitions[context.policyType] else {
            throw CasbinError(.request, "the model has no policy definition '\(context.policyType)'")
        }
        guard let effect = model.effects[context.effectType] else {
            throw CasbinError(.request, "the model has no policy effect '\(context.effectType)'")
        }
        guard let matcher = model.matchers[context.matcherType] else {
            throw CasbinError(.request, "the model has no matcher '\(context.matcherType)'")
        }
        guard request.count == requestTokens.count else {
            throw CasbinError(
                .request,
                "\(context.requestType) = \(requestTokens.joined(separator: ", ")) needs \(requestTokens.count) values, "
                    + "got \(request.count)")
        }
        return try state.withLock { state in
            let rows = state.policies.rules[context.policyType] ?? []
            func evaluator(_ row: [String]) -> Evaluator {
                Evaluator(
                    scope: Scope(
                        requestKey: context.requestType, requestTokens: requestTokens, request: request,
                        policyKey: context.policyType, policyTokens: policyTokens, policy: row),
                    roleManagers: state.roleManagers, rules: state.rules)
            }
            if rows.isEmpty {
                return try Enforcer.decideWithoutPolicies(
                    evaluator(Array(repeating: "", count: policyTokens.count)), matcher, effect, context)
            }
            return try Enforcer.decide(rows: rows, tokens: policyTokens, evaluator, matcher, effect, context)
        }
    }

    /// pycasbin with no policy rows: the matcher runs once with empty policy fields
    /// and a truthy result counts as one allowing rule.
    private static func decideWithoutPolicies(
        _ evaluator: Evaluator, _ matcher: Model.Matcher, _ effect: PolicyEffect, _ context: EnforceContext
    ) throws -> Decision {
        guard !matcher.usesEval else {
            throw CasbinError(
                .evaluation, "matcher \(matcher.key) uses eval() but there are no \(context.policyType) rules")
        }
        let result: Value
        do {
            result = try evaluator.evaluate(matcher.expression)
        } catch let error as CasbinError {
            throw error.prefixed("matcher \(matcher.key)")
        }
        var effects = EffectSet()
        effects.insert(result.isTruthy ? .allow : .indeterminate)
        let allowed = effect.isAllowed(effects)
        return Decision(
            allowed: allowed, matchedRule: nil,
            explanation: "\(allowed ? "allowed" : "denied"): no \(context.policyType) rules; "
                + "matcher \(matcher.key) gave \(result)")
    }

    /// Scans the rows in order, collecting effects until the policy effect is decided.
    private static func decide(
        rows: [[String]], tokens: [String], _ evaluator: (_ row: [String]) -> Evaluator,
        _ matcher: Model.Matcher, _ effect: PolicyEffect, _ context: EnforceContext
    ) throws -> Decision {
        let effectIndex = tokens.firstIndex(of: "eft")
        var effects = EffectSet()
        var explained: PolicyRule?
        for row in rows {
            let rule = PolicyRule(ptype: context.policyType, values: row)
            guard row.count == tokens.count else {
                throw CasbinError(
                    .policy,
                    "rule '\(rule)' has \(row.count) values but \(context.policyType) = "
                        + "\(tokens.joined(separator: ", ")) has \(tokens.count)")
            }
            let result: Value
            do {
                result = try evaluator(row).evaluate(matcher.expression)
            } catch let error as CasbinError {
                throw error.prefixed("matcher \(matcher.key) on rule '\(rule)'")
            }
            switch result {
            case .bool(true): break
            case .bool(false): continue
            case .number(let number):
                if number == 0 { continue }
            default:
                throw CasbinError(
                    .evaluation,
                    "matcher \(matcher.key) on rule '\(rule)' gave \(result.typeName) \(result), expected a boolean or number"
                )
            }
            let outcome: PolicyOutcome
            switch effectIndex.map({ row[$0] }) {
            case nil, "allow": outcome = .allow
            case "deny": outcome = .deny
            default: outcome = .indeterminate
            }
            effects.insert(outcome)
            explained = rule
            if effect.isDecided(effects) { break }
        }
        let allowed = effect.isAllowed(effects)
        let verdict = allowed ? "allowed" : "denied"
        let explanation =
            explained.map { "\(verdict): matched \($0)" } ?? "\(verdict): no \(context.policyType) rule matched"
        return Decision(allowed: allowed, matchedRule: explained, explanation: explanation)
    }

    // MARK: Policy management

    /// The rules of one policy or grouping type, in evaluation order.
    public func rules(ofType ptype: String) -> [[String]] {
        state.withLock { $0.policies.rules[ptype] ?? [] }
    }

    /// Adds a policy rule (`AddPolicy`); returns `false` if it is already present.
    /// With a `priority` field the rule is placed after the rules of equal or higher priority.
    @discardableResult
    public func addPolicy(_ values: [String], ptype: String = "p") throws -> Bool {
        guard let tokens = model.policyDefinitions[ptype] else {
            throw CasbinError(.policy, "the model has no policy definition '\(ptype)'")
        }
        return state.withLock {
            $0.policies.add(values, ptype: ptype, priorityIndex: tokens.firstIndex(of: "priority"))
        }
    }

    /// Adds a grouping rule (`AddGroupingPolicy`) and its role link; returns `false` if
    /// it is already present. Values beyond the role definition's arity are kept but unused.
    @discardableResult
    public func addGroupingPolicy(_ values: [String], ptype: String = "g") throws -> Bool {
        guard let arity = model.roleDefinitions[ptype] else {
            throw CasbinError(.policy, "the model has no role definition '\(ptype)'")
        }
        guard values.count >= arity else {
            throw CasbinError(.policy, "\(ptype) rule needs \(arity) values, got \(values.count)")
        }
        return state.withLock { state in
            guard state.policies.add(values, ptype: ptype, priorityIndex: nil) else { return false }
            state.roleManagers[ptype]?.addLink(values[0], values[1], domain: arity == 3 ? values[2] : nil)
            return true
        }
    }

    /// Matches user and role names of role definition `ptype` with `function`
    /// (`AddNamedMatchingFunc`), e.g. `BuiltinFunctions.matchingFunction(named: "keyMatch2")`.
    public func addNamedMatchingFunc(_ ptype: String, _ function: @escaping MatchingFunction) throws {
        try withRoleManager(ptype) { $0.setMatchingFunction(function) }
    }

    /// Matches the domains of role definition `ptype` with `function` (`AddNamedDomainMatchingFunc`).
    public func addNamedDomainMatchingFunc(_ ptype: String, _ function: @escaping MatchingFunction) throws {
        try withRoleManager(ptype) { $0.setDomainMatchingFunction(function) }
    }

    private func withRoleManager(_ ptype: String, _ body: (any RoleLinks) -> Void) throws {
        guard model.roleDefinitions[ptype] != nil else {
            throw CasbinError(.policy, "the model has no role definition '\(ptype)'")
        }
        state.withLock { state in
            if let manager = state.roleManagers[ptype] { body(manager) }
        }
    }
}
