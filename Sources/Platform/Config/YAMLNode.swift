import Foundation
import Base
import Gateway
import Yams

/// A YAML node that knows its file, position and path, so every complaint about it can
/// say where it is and what was expected.
package struct YAMLNode {
    let node: Node
    /// The Yams node, for sections read as free-form data (feature flags).
    package var yams: Node { node }
    package let file: String
    let path: String

    package var line: Int { node.mark?.line ?? 1 }
    package var column: Int { node.mark?.column ?? 1 }

    /// Parses a whole file's text.
    package static func parse(_ text: String, file: String) throws -> YAMLNode {
        do {
            guard let root = try Yams.compose(yaml: text) else {
                throw ConfigFileError(file: file, line: 1, column: 1, message: "the file is empty; expected a mapping with 'name', 'duration', 'tenants', …")
            }
            return YAMLNode(node: root, file: file, path: "")
        } catch let e as ConfigFileError {
            throw e
        } catch let YamlError.scanner(context, problem, mark, _), let YamlError.parser(context, problem, mark, _),
                let YamlError.composer(context, problem, mark, _) {
            let ctx = context.map { " (\($0.text))" } ?? ""
            throw ConfigFileError(file: file, line: mark.line, column: mark.column, message: "invalid YAML: \(problem)\(ctx)")
        } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
            throw ConfigFileError(file: file, line: context.mark.line, column: context.mark.column,
                                message: "duplicate key \(duplicates.joined(separator: ", "))")
        } catch {
            throw ConfigFileError(file: file, line: 1, column: 1, message: "invalid YAML: \(error)")
        }
    }

    package func error(_ message: String) -> ConfigFileError {
        ConfigFileError(file: file, line: line, column: column, message: path.isEmpty ? message : "'\(path)': \(message)")
    }

    private func child(_ node: Node, _ key: String) -> YAMLNode {
        // A list's items read `models[2]`, a mapping's entries `tenants.acme`.
        YAMLNode(node: node, file: file, path: path.isEmpty || key.hasPrefix("[") ? path + key : "\(path).\(key)")
    }

    package var kindName: String {
        switch node {
        case .scalar(let s): return s.string.isEmpty ? "an empty value" : "'\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    package var isMapping: Bool { if case .mapping = node { return true } else { return false } }
    package var isSequence: Bool { if case .sequence = node { return true } else { return false } }
    package var isScalar: Bool { if case .scalar = node { return true } else { return false } }

    /// The entries of a mapping, in file order; rejects keys outside `allowed`.
    package func mapping(allowed: [String]? = nil) throws -> [(key: String, value: YAMLNode)] {
        guard case .mapping(let m) = node else { throw error("expected a mapping, got \(kindName)") }
        var out: [(String, YAMLNode)] = []
        for (k, v) in m {
            guard let key = k.scalar?.string else {
                throw YAMLNode(node: k, file: file, path: path).error("expected a text key")
            }
            if let allowed, !allowed.contains(key) {
                throw YAMLNode(node: k, file: file, path: path).error("unknown key '\(key)'; expected one of: \(allowed.joined(separator: ", "))")
            }
            out.append((key, child(v, key)))
        }
        return out
    }

    /// A mapping as a lookup table, rejecting unknown keys.
    package func fields(_ allowed: [String]) throws -> Fields {
        Fields(owner: self, entries: try mapping(allowed: allowed))
    }

    package func list() throws -> [YAMLNode] {
        guard case .sequence(let s) = node else { throw error("expected a list, got \(kindName)") }
        return s.enumerated().map { child($1, "[\($0)]") }
    }

    package func string() throws -> String {
        guard case .scalar(let s) = node else { throw error("expected text, got \(kindName)") }
        return s.string
    }

    package func nonEmptyString() throws -> String {
        let s = try string()
        guard !s.trimmingCharacters(in: .whitespaces).isEmpty else { throw error("must not be empty") }
        return s
    }

    package func int(min: Int? = nil, max: Int? = nil) throws -> Int {
        guard let v = Int(try string().replacingOccurrences(of: "_", with: "")) else { throw error("expected a whole number, got \(kindName)") }
        if let min, v < min { throw error("must be at least \(min), got \(v)") }
        if let max, v > max { throw error("must be at most \(max), got \(v)") }
        return v
    }

    package func double() throws -> Double {
        guard let v = Double(try string().replacingOccurrences(of: "_", with: "")), v.isFinite else { throw error("expected a number, got \(kindName)") }
        return v
    }

    package func bool() throws -> Bool {
        switch try string().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, got \(kindName)")
        }
    }

    package func duration() throws -> Nanoseconds {
        guard let d = DurationFormat.parse(try string()) else {
            throw error("expected a duration with a unit, like 250ms, 1.5s, 30m, 2h or 7d; got \(kindName)")
        }
        return d
    }

    /// A probability: `5%` or `0.05`.
    package func fraction() throws -> Double {
        let s = try string().trimmingCharacters(in: .whitespaces)
        let v: Double?
        if s.hasSuffix("%") { v = Double(s.dropLast()).map { $0 / 100 } } else { v = Double(s) }
        guard let f = v, f >= 0, f <= 1 else { throw error("expected a fraction between 0 and 1, or a percentage like 5%; got \(kindName)") }
        return f
    }

    /// A rate: `2/s`, `120/min`, `8000/d`; returns events per second.
    package func rate() throws -> Double {
        let s = try string().replacingOccurrences(of: " ", with: "")
        let parts = s.split(separator: "/")
        let per: [String: Double] = ["s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400]
        guard parts.count == 2, let n = Double(parts[0].replacingOccurrences(of: "_", with: "")), n >= 0, n.isFinite,
              let unit = per[String(parts[1])] else {
            throw error("expected a rate like 2/s, 120/min, 50/h or 8000/d; got \(kindName)")
        }
        return n / unit
    }
}

/// A mapping's entries by key, with required and optional access.
package struct Fields {
    let owner: YAMLNode
    let entries: [(key: String, value: YAMLNode)]

    package subscript(_ key: String) -> YAMLNode? { entries.first { $0.key == key }?.value }

    package func required(_ key: String) throws -> YAMLNode {
        guard let v = self[key] else { throw owner.error("missing required key '\(key)'") }
        return v
    }

    package var keys: [String] { entries.map(\.key) }
}
