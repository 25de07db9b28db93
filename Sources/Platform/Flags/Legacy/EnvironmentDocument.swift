import Base

/// The environment document served by the Flagsmith API for local evaluation
/// (the format of the v1 engine test data).
public enum EnvironmentDocument {
    /// Maps an environment document to an evaluation context, as the
    /// `flagsmith` 6.3.0 Python SDK's `map_environment_document_to_context` does.
    ///
    /// Feature states become features keyed by name; project segments become
    /// segments keyed by their id with their feature states as overrides; and
    /// identities with overrides (`identity_overrides`) are grouped by identical
    /// override sets into segments named `identity_overrides` that match their
    /// identifiers, with the strongest possible priority. A missing environment
    /// `name` maps to an empty name.
    public static func evaluationContext(from document: JSONValue) throws(JSONShapeError) -> EvaluationContext {
        let fields = try JSONFields(document, path: "$")
        let environment = EnvironmentContext(
            key: try fields.string("api_key"),
            name: try fields.optionalString("name") ?? ""
        )

        var features = OrderedMap<FeatureContext>()
        for feature in try fields.array("feature_states", featureContext) {
            features[feature.name] = feature
        }

        let project = try JSONFields(fields.required("project"), path: fields.path(of: "project"))
        var segments = OrderedMap<SegmentContext>()
        for segment in try project.array("segments", segmentContext) {
            segments[segment.key] = segment
        }
        let identityOverrides = try fields.optionalArray("identity_overrides") { value, _ in value } ?? []
        for segment in try identityOverrideSegments(identityOverrides, path: fields.path(of: "identity_overrides")) {
            segments[segment.key] = segment
        }
        return EvaluationContext(environment: environment, segments: segments, features: features)
    }

    private static func segmentContext(_ json: JSONValue, path: String) throws(JSONShapeError) -> SegmentContext {
        let fields = try JSONFields(json, path: path)
        let id = try fields.required("id")
        return SegmentContext(
            key: Python.str(id),
            name: try fields.string("name"),
            rules: try fields.array("rules", rule),
            overrides: try fields.optionalArray("feature_states", featureContext) ?? [],
            metadata: ["id": id, "source": "api"]
        )
    }

    private static func rule(_ json: JSONValue, path: String) throws(JSONShapeError) -> SegmentRule {
        let fields = try JSONFields(json, path: path)
        return SegmentRule(
            type: try RuleType(json: fields.required("type"), path: fields.path(of: "type")),
            conditions: try fields.optionalArray("conditions", condition) ?? [],
            rules: try fields.optionalArray("rules", rule) ?? []
        )
    }

    private static func condition(_ json: JSONValue, path: String) throws(JSONShapeError) -> SegmentCondition {
        let fields = try JSONFields(json, path: path)
        return SegmentCondition(
            property: try fields.optionalString("property_") ?? "",
            operator: ConditionOperator(rawValue: try fields.string("operator")),
            value: try fields.required("value")
        )
    }

    private static func featureContext(_ json: JSONValue, path: String) throws(JSONShapeError) -> FeatureContext {
        let fields = try JSONFields(json, path: path)
        let feature = try JSONFields(fields.required("feature"), path: fields.path(of: "feature"))
        let key = if let djangoID = fields.optional("django_id")?.ifTruthy {
            djangoID
        } else {
            try fields.required("featurestate_uuid")
        }
        var context = FeatureContext(
            key: Python.str(key),
            name: try feature.string("name"),
            enabled: try fields.bool("enabled"),
            value: try fields.required("feature_state_value"),
            metadata: ["id": try feature.required("id")]
        )
        let variants = try fields.optionalArray("multivariate_feature_state_values", variant) ?? []
        if !variants.isEmpty {
            context.variants = variants
        }
        if let segment = fields.optional("feature_segment")?.ifTruthy {
            let segmentFields = try JSONFields(segment, path: fields.path(of: "feature_segment"))
            context.priority = try segmentFields.number("priority")
        }
        return context
    }

    private static func variant(_ json: JSONValue, path: String) throws(JSONShapeError) -> FeatureVariant {
        let fields = try JSONFields(json, path: path)
        let option = try JSONFields(
            fields.required("multivariate_feature_option"), path: fields.path(of: "multivariate_feature_option")
        )
        let priority: JSONNumber
        if let id = fields.optional("id")?.ifTruthy {
            priority = try JSONFields.number(id, path: fields.path(of: "id"))
        } else {
            priority = try uuidPriority(fields.string("mv_fs_value_uuid"), path: fields.path(of: "mv_fs_value_uuid"))
        }
        return FeatureVariant(
            value: try option.required("value"),
            weight: try fields.number("percentage_allocation"),
            priority: priority,
            key: try option.optionalString("key")
        )
    }

    /// A UUID's 128-bit value, as Python's `uuid.UUID(text).int`, approximated
    /// by the nearest double since it only orders variants.
    private static func uuidPriority(_ text: String, path: String) throws(JSONShapeError) -> JSONNumber {
        var hex = Substring(text)
        for prefix in ["urn:", "uuid:"] where hex.hasPrefix(prefix) {
            hex = hex.dropFirst(prefix.count)
        }
        let digits = hex.filter { !"{}-".contains($0) }
        guard digits.count == 32, digits.allSatisfy(\.isHexDigit) else {
            throw JSONShapeError(path: path, message: "invalid UUID \(JSONValue.string(text))")
        }
        return .double(digits.reduce(0.0) { $0 * 16 + Double($1.hexDigitValue ?? 0) })
    }

    /// One segment per distinct set of identity overrides.
    private static func identityOverrideSegments(
        _ identities: [JSONValue], path: String
    ) throws(JSONShapeError) -> [SegmentContext] {
        var groups: [(overrides: [FeatureContext], identifiers: [String])] = []
        for (index, identity) in identities.enumerated() {
            let fields = try JSONFields(identity, path: "\(path)[\(index)]")
            let states = try fields.optionalArray("identity_features", identityOverride) ?? []
            guard !states.isEmpty else { continue }
            let overrides = states.sorted { String.scalarOrder($0.name, $1.name) }
            let identifier = try fields.string("identifier")
            if let group = groups.firstIndex(where: { $0.overrides == overrides }) {
                groups[group].identifiers.append(identifier)
            } else {
                groups.append((overrides, [identifier]))
            }
        }
        return groups.enumerated().map { index, group in
            SegmentContext(
                key: "identity_overrides_\(index + 1)",
                name: "identity_overrides",
                rules: [
                    SegmentRule(type: .all, conditions: [
                        SegmentCondition(
                            property: "$.identity.identifier", operator: .in,
                            value: .array(group.identifiers.map(JSONValue.string))
                        ),
                    ]),
                ],
                overrides: group.overrides,
                metadata: ["source": "identity_overrides"]
            )
        }
    }

    /// An identity's feature state as an override that beats every segment.
    private static func identityOverride(_ json: JSONValue, path: String) throws(JSONShapeError) -> FeatureContext {
        let fields = try JSONFields(json, path: path)
        let feature = try JSONFields(fields.required("feature"), path: fields.path(of: "feature"))
        return FeatureContext(
            key: "",
            name: try feature.string("name"),
            enabled: try fields.bool("enabled"),
            value: try fields.required("feature_state_value"),
            priority: .double(-.infinity),
            metadata: ["id": try feature.required("id")]
        )
    }
}
