import Base

/// Flagsmith's flag evaluation engine, equivalent to `get_evaluation_result`
/// of the Python `flagsmith-flag-engine` 10.2.0.
public enum FlagEngine {
    /// Evaluates every feature of the context for its identity (if any).
    ///
    /// 1. An identity without a key gets `"<environment key>_<identifier>"`.
    /// 2. Segments are tested in order; each match is reported, and its
    ///    overrides compete per feature name: a lower `priority` wins, absent
    ///    priorities are the weakest, and on a tie the earlier segment wins.
    /// 3. Each feature takes its winning override (reason
    ///    `"TARGETING_MATCH; segment=<name>"`) or its own state (`"DEFAULT"`);
    ///    a multivariate one then picks a variant by hashing the feature key
    ///    with the identity key (reason `"SPLIT; weight=<weight>"`).
    public static func evaluate(_ context: EvaluationContext) -> EvaluationResult {
        let context = enriched(context)
        let matcher = SegmentMatcher(context: context)
        let identityKey = context.identity?.key

        var segments: [SegmentResult] = []
        var overrides: [String: (feature: FeatureContext, segmentName: String)] = [:]
        for segment in context.segments?.values ?? [] where matcher.matches(segment) {
            segments.append(SegmentResult(name: segment.name, metadata: segment.metadata?.ifTruthy))
            for override in segment.overrides ?? [] {
                if let current = overrides[override.name], !(rank(override) < rank(current.feature)) {
                    continue
                }
                overrides[override.name] = (override, segment.name)
            }
        }

        var flags = OrderedMap<FlagResult>()
        for feature in context.features?.values ?? [] {
            flags[feature.name] = if let override = overrides[feature.name] {
                VariantAllocation.flag(
                    for: override.feature, identityKey: identityKey,
                    reason: "TARGETING_MATCH; segment=\(override.segmentName)"
                )
            } else {
                VariantAllocation.flag(for: feature, identityKey: identityKey, reason: "DEFAULT")
            }
        }
        return EvaluationResult(flags: flags, segments: segments)
    }

    /// Gives an identity without a (non-empty) key its default hashing key.
    static func enriched(_ context: EvaluationContext) -> EvaluationContext {
        guard var identity = context.identity, identity.key?.isEmpty ?? true else { return context }
        var context = context
        identity.key = "\(context.environment.key)_\(identity.identifier)"
        context.identity = identity
        return context
    }

    /// An override's priority; absent means the weakest.
    private static func rank(_ feature: FeatureContext) -> Double {
        feature.priority?.doubleValue ?? .infinity
    }
}
