/// The `[policy_effect]` rules Casbin supports, keyed by their canonical expression.
public enum PolicyEffect: String, Sendable, CaseIterable {
    /// `some(where (p.eft == allow))`: allowed if any matching policy allows.
    case allowOverride = "some(where (p.eft == allow))"
    /// `!some(where (p.eft == deny))`: allowed unless a matching policy denies.
    case denyOverride = "!some(where (p.eft == deny))"
    /// `some(where (p.eft == allow)) && !some(where (p.eft == deny))`.
    case allowAndDeny = "some(where (p.eft == allow)) && !some(where (p.eft == deny))"
    /// `priority(p.eft) || deny`: the first matching policy (in priority order) decides.
    case priority = "priority(p.eft) || deny"
    /// `subjectPriority(p.eft) || deny`: like `priority`, with policies ordered from the
    /// most specific subject in the `g` hierarchy to the most general.
    case subjectPriority = "subjectPriority(p.eft) || deny"

    /// Recognizes an effect expression, ignoring whitespace and accepting the escaped
    /// spelling `p_eft`. Returns `nil` for anything else.
    public init?(expression: String) {
        func canonical(_ text: String) -> String {
            String(text.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
                .replacingOccurrences(of: "p_eft", with: "p.eft")
        }
        let wanted = canonical(expression)
        guard let effect = PolicyEffect.allCases.first(where: { canonical($0.rawValue) == wanted }) else {
            return nil
        }
        self = effect
    }

    /// Whether the effects seen so far already decide the request (pycasbin's
    /// `intermediate_effect` differing from indeterminate), so the policy scan can stop.
    func isDecided(_ effects: EffectSet) -> Bool {
        switch self {
        case .allowOverride: return effects.allow
        case .denyOverride, .allowAndDeny: return effects.deny
        case .priority, .subjectPriority: return effects.allow || effects.deny
        }
    }

    /// The final decision for the collected effects. For the priority effects the scan
    /// stops at the first allow or deny, so at most one of the two is present.
    func isAllowed(_ effects: EffectSet) -> Bool {
        switch self {
        case .allowOverride: return effects.allow
        case .denyOverride: return !effects.deny
        case .allowAndDeny: return effects.allow && !effects.deny
        case .priority, .subjectPriority: return effects.allow
        }
    }
}

/// The outcome of one policy row.
enum PolicyOutcome: Sendable {
    case allow, deny, indeterminate
}

/// The allow and deny outcomes collected while scanning the policy rows
/// (indeterminate rows never influence a decision).
struct EffectSet: Sendable {
    var allow = false
    var deny = false

    mutating func insert(_ outcome: PolicyOutcome) {
        switch outcome {
        case .allow: allow = true
        case .deny: deny = true
        case .indeterminate: break
        }
    }
}
