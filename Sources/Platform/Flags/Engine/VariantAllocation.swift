/// Turns a feature (or override) into a flag, choosing a multivariate variant.
enum VariantAllocation {
    /// The flag for `feature`. With an identity key and variants, the identity
    /// is placed at `percentage(featureKey, identityKey)` on a 0–100 scale
    /// where variants take consecutive ranges of their weight in ascending
    /// priority; outside every range it keeps the control value, with
    /// variant `"control"`.
    static func flag(for feature: FeatureContext, identityKey: String?, reason: String) -> FlagResult {
        var flag = FlagResult(
            name: feature.name, enabled: feature.enabled, value: feature.value,
            reason: reason, variant: nil, metadata: feature.metadata?.ifTruthy
        )
        guard let identityKey, let variants = feature.variants, !variants.isEmpty else { return flag }

        flag.variant = "control"
        let percentage = PercentageHash.percentage(for: [feature.key, identityKey])
        var start = 0.0
        for variant in byPriority(variants) {
            let limit = variant.weight.doubleValue + start
            if start <= percentage, percentage < limit {
                flag.reason = "SPLIT; weight=\(Python.str(variant.weight.json))"
                flag.value = variant.value
                flag.variant = variant.key
                break
            }
            start = limit
        }
        return flag
    }

    /// A stable sort by ascending priority.
    private static func byPriority(_ variants: [FeatureVariant]) -> [FeatureVariant] {
        variants.enumerated()
            .sorted { ($0.element.priority.doubleValue, $0.offset) < ($1.element.priority.doubleValue, $1.offset) }
            .map(\.element)
    }
}
