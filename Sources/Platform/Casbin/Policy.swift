/// One policy (`p`, `p2`, …) or grouping (`g`, `g2`, …) rule: its type and field values.
public struct PolicyRule: Sendable, Hashable, CustomStringConvertible {
    public let ptype: String
    public let values: [String]

    public init(ptype: String, values: [String]) {
        self.ptype = ptype
        self.values = values
    }

    /// The CSV form, e.g. `p, alice, data1, read`.
    public var description: String { ([ptype] + values).joined(separator: ", ") }
}

/// Reads Casbin CSV policy text: one rule per line, `ptype, field, field, …`.
///
/// Blank lines and lines starting with `#` are skipped and fields are trimmed.
/// A comma only separates fields outside `(…)` / `[…]` nesting (pycasbin), so
/// `p, keyMatch(r.obj, '/a'), read` has three fields; a field written in double
/// quotes (Go's CSV) may contain commas and uses `""` for a literal quote.
public enum PolicyParser {
    public static func parse(_ text: String) throws -> [PolicyRule] {
        try parseLines(text).map(\.rule)
    }

    /// The rules with their 1-based line numbers.
    static func parseLines(_ text: String) throws -> [(rule: PolicyRule, line: Int)] {
        var result: [(rule: PolicyRule, line: Int)] = []
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (offset, rawLine) in lines.enumerated() {
            let line = rawLine.trimmed
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields: [String]
            do {
                fields = try split(line)
            } catch let error as CasbinError {
                throw error.prefixed("policy line \(offset + 1)")
            }
            guard let ptype = fields.first, !ptype.isEmpty else {
                throw CasbinError(.policy, "policy line \(offset + 1): missing policy type in '\(line)'")
            }
            result.append((PolicyRule(ptype: ptype, values: Array(fields.dropFirst())), offset + 1))
        }
        return result
    }

    private static func split(_ line: String) throws -> [String] {
        let text = Array(line.unicodeScalars)
        var fields: [String] = []
        var index = 0
        while true {
            while index < text.count, text[index].properties.isWhitespace { index += 1 }
            if index < text.count, text[index] == "\"" {
                let (value, next) = try quotedField(text, from: index)
                fields.append(value)
                index = next
                while index < text.count, text[index].properties.isWhitespace { index += 1 }
                if index < text.count, text[index] != "," {
                    throw CasbinError(.policy, "unexpected text after quoted field in '\(line)'")
                }
            } else {
                var depth = 0
                let start = index
                while index < text.count, !(text[index] == "," && depth == 0) {
                    switch text[index] {
                    case "(", "[": depth += 1
                    case ")", "]": depth = max(0, depth - 1)
                    default: break
                    }
                    index += 1
                }
                fields.append(String(String.UnicodeScalarView(text[start..<index])).trimmed)
            }
            guard index < text.count else { return fields }
            index += 1  // the separating comma
        }
    }

    private static func quotedField(_ text: [Unicode.Scalar], from start: Int) throws -> (String, Int) {
        var value = String.UnicodeScalarView()
        var index = start + 1
        while index < text.count {
            if text[index] == "\"" {
                if index + 1 < text.count, text[index + 1] == "\"" {
                    value.append("\"")
                    index += 2
                    continue
                }
                return (String(value), index + 1)
            }
            value.append(text[index])
            index += 1
        }
        throw CasbinError(.policy, "unterminated quoted field")
    }
}

/// The rules of every policy and grouping type of a model, kept in evaluation order.
struct PolicyStore: Sendable {
    private(set) var rules: [String: [[String]]] = [:]

    /// Loads rules read from a file: rows of unknown types are ignored (as pycasbin does),
    /// grouping rows are checked against their role definition, and the rows are
    /// ordered for `subjectPriority` and explicit `priority` fields.
    init(loading lines: [(rule: PolicyRule, line: Int)], for model: Model) throws {
        for (rule, line) in lines {
            if let arity = model.roleDefinitions[rule.ptype], rule.values.count < arity {
                throw CasbinError(
                    .policy,
                    "policy line \(line): \(rule.ptype) rule needs \(arity) values, got \(rule.values.count)")
            }
            guard model.policyDefinitions[rule.ptype] != nil || model.roleDefinitions[rule.ptype] != nil else {
                continue
            }
            rules[rule.ptype, default: []].append(rule.values)
        }
        if model.effects["e"] == .subjectPriority {
            try sortBySubjectHierarchy(model)
        }
        for (ptype, tokens) in model.policyDefinitions {
            if let priorityIndex = tokens.firstIndex(of: "priority") {
                try sortByPriority(ptype, at: priorityIndex)
            }
        }
    }

    /// Adds a rule at runtime; returns `false` if the identical rule already exists.
    /// With a priority field the rule goes after all rules of lower or equal priority.
    mutating func add(_ values: [String], ptype: String, priorityIndex: Int?) -> Bool {
        var rows = rules[ptype] ?? []
        guard !rows.contains(values) else { return false }
        rows.append(values)
        if let priorityIndex, let inserted = PolicyStore.integer(values, at: priorityIndex) {
            var index = rows.count - 1
            while index > 0, let previous = PolicyStore.integer(rows[index - 1], at: priorityIndex),
                previous > inserted
            {
                rows.swapAt(index, index - 1)
                index -= 1
            }
        }
        rules[ptype] = rows
        return true
    }

    private static func integer(_ row: [String], at index: Int) -> Int? {
        index < row.count ? Int(row[index].trimmed) : nil
    }

    /// pycasbin's `sort_policies_by_priority`: numeric order when every priority is a
    /// decimal number, text order when none is; mixing both is an error.
    private mutating func sortByPriority(_ ptype: String, at index: Int) throws {
        guard let rows = rules[ptype], rows.count > 1 else { return }
        let keys = rows.map { index < $0.count ? $0[index] : "" }
        let numeric = keys.map { !$0.isEmpty && $0.unicodeScalars.allSatisfy(\.isDigit) }
        guard numeric.allSatisfy({ $0 }) || numeric.allSatisfy({ !$0 }) else {
            throw CasbinError(.policy, "\(ptype) priorities mix numbers and text: \(keys.joined(separator: ", "))")
        }
        let precedes: (String, String) -> Bool
        if numeric[0] {
            precedes = PolicyStore.decimalPrecedes
        } else {
            precedes = PolicyStore.textPrecedes
        }
        rules[ptype] = rows.indices
            .sorted { lhs, rhs in
                if precedes(keys[lhs], keys[rhs]) { return true }
                if precedes(keys[rhs], keys[lhs]) { return false }
                return lhs < rhs
            }
            .map { rows[$0] }
    }

    /// pycasbin's `sort_policies_by_subject_hierarchy`: rows whose subject (first field,
    /// qualified by the `dom` field if any) sits lower in the `g` hierarchy come first.
    private mutating func sortBySubjectHierarchy(_ model: Model) throws {
        let levels = try PolicyStore.subjectLevels(rules["g"] ?? [])
        for (ptype, tokens) in model.policyDefinitions {
            guard let rows = rules[ptype] else { continue }
            let domainIndex = tokens.firstIndex(of: "dom")
            let keys = rows.map { row -> Int in
                let domain = domainIndex.flatMap { $0 < row.count ? row[$0] : nil } ?? ""
                return levels["\(domain)::\(row.first ?? "")"] ?? 0
            }
            rules[ptype] = rows.indices.sorted { (keys[$0], $0) < (keys[$1], $1) }.map { rows[$0] }
        }
    }

    /// Level 0 holds the subjects that are nobody's parent; each further level the
    /// subjects whose children are all placed. Names are `domain::subject`.
    private static func subjectLevels(_ groupingRows: [[String]]) throws -> [String: Int] {
        var edges = groupingRows.map { row -> (child: String, parent: String) in
            let domain = row.count > 2 ? row[2] : ""
            return ("\(domain)::\(row[0])", "\(domain)::\(row[1])")
        }
        var remaining = Set(edges.flatMap { [$0.child, $0.parent] })
        var levels: [String: Int] = [:]
        var level = 0
        while !edges.isEmpty {
            let leaves = remaining.subtracting(edges.map(\.parent))
            guard !leaves.isEmpty else {
                throw CasbinError(.policy, "cycle in the subject hierarchy among \(remaining.sorted())")
            }
            for subject in leaves { levels[subject] = level }
            edges.removeAll { leaves.contains($0.child) }
            remaining.subtract(leaves)
            level += 1
        }
        for subject in remaining { levels[subject] = level }
        return levels
    }

    private static func decimalPrecedes(_ lhs: String, _ rhs: String) -> Bool {
        func normalized(_ text: String) -> String {
            let digits = text.drop { $0 == "0" }
            return digits.isEmpty ? "0" : String(digits)
        }
        let left = normalized(lhs)
        let right = normalized(rhs)
        return left.count != right.count ? left.count < right.count : left < right
    }

    private static func textPrecedes(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)  // code point order, as in Python
    }
}
