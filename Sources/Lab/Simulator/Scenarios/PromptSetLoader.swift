import Mocks
import Config
import Crypto
import Foundation
import Base
import Gateway

/// Loads prompt sets: inline lists in a scenario, or YAML (`prompts: [...]`) and JSONL
/// files. Each prompt has an `id` and some of `system`, `context` (passages),
/// `question`, `user` (free text) and `answer` (the gold answer, for scoring).
enum PromptSetLoader {
    static let keys = ["id", "system", "context", "question", "user", "answer"]

    static func load(_ node: YAMLNode, baseDirectory: String, hasher: inout SHA256) throws -> [Scenario.Prompt] {
        if node.isSequence { return try parseList(node.list()) }
        let path = ConfigReader.resolve(try node.nonEmptyString(), .init(file: node.file, baseDirectory: baseDirectory, hasher: hasher))
        let text = try ConfigReader.readText(path, from: node)
        hasher.update(data: Array(text.utf8))
        let prompts: [Scenario.Prompt]
        if path.hasSuffix(".jsonl") {
            prompts = try parseJSONL(text, file: path)
        } else {
            let root = try YAMLNode.parse(text, file: path)
            let f = try root.fields(["prompts"])
            prompts = try parseList(f.required("prompts").list())
        }
        guard !prompts.isEmpty else { throw node.error("the prompt set '\(path)' is empty") }
        return prompts
    }

    static func parseList(_ items: [YAMLNode]) throws -> [Scenario.Prompt] {
        try items.enumerated().map { i, item in
            let f = try item.fields(keys)
            var context: [String] = []
            if let c = f["context"] { context = c.isSequence ? try c.list().map { try $0.string() } : [try c.string()] }
            let p = Scenario.Prompt(id: try f["id"]?.string() ?? "p\(i + 1)", system: try f["system"]?.string(), context: context,
                                    question: try f["question"]?.string(), user: try f["user"]?.string(), answer: try f["answer"]?.string())
            guard p.question != nil || p.user != nil else { throw item.error("a prompt needs 'question' or 'user'") }
            return p
        }
    }

    static func parseJSONL(_ text: String, file: String) throws -> [Scenario.Prompt] {
        var out: [Scenario.Prompt] = []
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
            guard case .object(let o)? = try? JSONValue.parse(String(line)) else {
                throw ConfigFileError(file: file, line: n + 1, column: 1, message: "expected one JSON object per line")
            }
            if let bad = o.keys.sorted().first(where: { !keys.contains($0) }) {
                throw ConfigFileError(file: file, line: n + 1, column: 1, message: "unknown key '\(bad)'; expected: \(keys.joined(separator: ", "))")
            }
            var context: [String] = []
            if case .array(let a)? = o["context"] { context = a.compactMap(\.stringValue) } else if let s = o["context"]?.stringValue { context = [s] }
            let p = Scenario.Prompt(id: o["id"]?.stringValue ?? "p\(out.count + 1)", system: o["system"]?.stringValue, context: context,
                                    question: o["question"]?.stringValue, user: o["user"]?.stringValue, answer: o["answer"]?.stringValue)
            guard p.question != nil || p.user != nil else {
                throw ConfigFileError(file: file, line: n + 1, column: 1, message: "a prompt needs 'question' or 'user'")
            }
            out.append(p)
        }
        return out
    }
}
