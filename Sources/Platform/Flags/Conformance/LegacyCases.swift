import Base

/// Checks a v1 engine test data file: an environment document and, for each
/// identity, the flags the Flagsmith API returned.
enum LegacyCases {
    /// One outcome per identity, named `<file> [<identifier>]`; a malformed
    /// environment document fails the file as a whole.
    static func outcomes(_ document: JSONValue, name: String) -> [CaseOutcome] {
        let environment: EvaluationContext
        let cases: [JSONValue]
        do throws(JSONShapeError) {
            let fields = try JSONFields(document, path: "$")
            environment = try EnvironmentDocument.evaluationContext(from: fields.required("environment"))
            cases = try fields.array("identities_and_responses") { value, _ in value }
        } catch {
            return [CaseOutcome(name: name, problems: ["malformed legacy file: \(error)"])]
        }
        return cases.enumerated().map { index, testCase in
            outcome(testCase, path: "identities_and_responses[\(index)]", environment: environment, file: name)
        }
    }

    private static func outcome(
        _ testCase: JSONValue, path: String, environment: EvaluationContext, file: String
    ) -> CaseOutcome {
        var context = environment
        let expected: JSONValue
        do throws(JSONShapeError) {
            let fields = try JSONFields(testCase, path: path)
            context.identity = try identity(fields.required("identity"), path: fields.path(of: "identity"))
            let response = try JSONFields(fields.required("response"), path: fields.path(of: "response"))
            expected = .object(OrderedMap(try response.array("flags", expectedFlag)))
        } catch {
            return CaseOutcome(name: "\(file) [\(path)]", problems: ["malformed case: \(error)"])
        }
        let name = "\(file) [\(context.identity?.identifier ?? path)]"
        let actual = JSONValue.object(FlagEngine.evaluate(context).flags.mapValues { flag in
            ["enabled": .bool(flag.enabled), "value": flag.value]
        })
        return CaseOutcome(name: name, problems: JSONDiff.differences(expected: expected, actual: actual, path: "flags"))
    }

    /// The identity with its traits; its `django_id` is the hashing key.
    private static func identity(_ json: JSONValue, path: String) throws(JSONShapeError) -> IdentityContext {
        let fields = try JSONFields(json, path: path)
        let traits = try fields.optionalArray("identity_traits", trait) ?? []
        return IdentityContext(
            identifier: try fields.string("identifier"),
            key: fields.optional("django_id").map(Python.str),
            traits: OrderedMap(traits)
        )
    }

    /// A trait as `(name, value)`.
    private static func trait(_ json: JSONValue, path: String) throws(JSONShapeError) -> (String, JSONValue) {
        let fields = try JSONFields(json, path: path)
        return (try fields.string("trait_key"), try fields.required("trait_value"))
    }

    /// A recorded flag as `(feature name, {"enabled", "value"})`.
    private static func expectedFlag(_ json: JSONValue, path: String) throws(JSONShapeError) -> (String, JSONValue) {
        let fields = try JSONFields(json, path: path)
        let feature = try JSONFields(fields.required("feature"), path: fields.path(of: "feature"))
        return (
            try feature.string("name"),
            ["enabled": .bool(try fields.bool("enabled")), "value": try fields.required("feature_state_value")]
        )
    }
}
