import Base
import Foundation

/// Loading and checking one conformance case file.
enum CaseFile {
    /// The outcomes of the file at `path`, reported under `name`.
    static func outcomes(ofFileAt path: String, named name: String) -> [CaseOutcome] {
        let document: JSONValue
        do {
            document = try load(path)
        } catch {
            return [CaseOutcome(name: name, problems: [error.message])]
        }
        if document["context"] != nil || document["result"] != nil {
            return [engineCase(document, name: name)]
        }
        if document["identities_and_responses"] != nil {
            return LegacyCases.outcomes(document, name: name)
        }
        return [CaseOutcome(name: name, problems: [
            "not a case file: expected members \"context\" and \"result\", or \"environment\" and \"identities_and_responses\"",
        ])]
    }

    /// Reads and parses a file, dropping full-line `//` comments.
    private static func load(_ path: String) throws(LoadError) -> JSONValue {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw LoadError(message: "no such file or folder")
        }
        guard !isDirectory.boolValue else {
            throw LoadError(message: "folder holds no .json or .jsonc case files")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LoadError(message: "cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LoadError(message: "the file is not valid UTF-8")
        }
        do {
            return try JSONValue.parse(JSONC.strippingLineComments(text))
        } catch {
            throw LoadError(message: "invalid JSON at \(error)")
        }
    }

    /// Evaluates `context` and compares the result with `result`.
    private static func engineCase(_ document: JSONValue, name: String) -> CaseOutcome {
        let context: EvaluationContext
        let expected: JSONValue
        do throws(JSONShapeError) {
            let fields = try JSONFields(document, path: "$")
            context = try EvaluationContext(json: fields.required("context"), path: "context")
            expected = try fields.required("result")
            _ = try EvaluationResult(json: expected, path: "result")
        } catch {
            return CaseOutcome(name: name, problems: ["malformed case: \(error)"])
        }
        let actual = FlagEngine.evaluate(context).json
        return CaseOutcome(name: name, problems: JSONDiff.differences(expected: expected, actual: actual, path: "result"))
    }

    private struct LoadError: Error {
        let message: String
    }
}
