extension JSONValue {
    /// Serialises the value as JSON text.
    ///
    /// Output is deterministic: object keys are written in sorted order unless
    /// `sortedKeys` is `false`, in which case member order is kept. Doubles are
    /// written like Python's `json.dumps` (`1.0`, `1e-05`, `NaN`, `Infinity`).
    /// - Parameters:
    ///   - pretty: indent nested values by two spaces per level.
    ///   - sortedKeys: sort object keys (by Unicode scalar values).
    public func serialized(pretty: Bool = false, sortedKeys: Bool = true) -> String {
        var output = ""
        write(to: &output, pretty: pretty, sortedKeys: sortedKeys, indent: "")
        return output
    }

    private func write(to output: inout String, pretty: Bool, sortedKeys: Bool, indent: String) {
        switch self {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .int(let number): output += String(number)
        case .double(let number): output += Self.format(number)
        case .string(let text): output += Self.quote(text)
        case .array(let elements):
            writeContainer(
                elements.map { (nil, $0) }, open: "[", close: "]",
                to: &output, pretty: pretty, sortedKeys: sortedKeys, indent: indent
            )
        case .object(let members):
            let keys = sortedKeys ? members.keys.sorted(by: String.scalarOrder) : members.keys
            writeContainer(
                keys.compactMap { key in members[key].map { (key, $0) } }, open: "{", close: "}",
                to: &output, pretty: pretty, sortedKeys: sortedKeys, indent: indent
            )
        }
    }

    private func writeContainer(
        _ entries: [(key: String?, value: JSONValue)], open: String, close: String,
        to output: inout String, pretty: Bool, sortedKeys: Bool, indent: String
    ) {
        guard !entries.isEmpty else {
            output += open + close
            return
        }
        let innerIndent = indent + "  "
        output += open
        for (index, entry) in entries.enumerated() {
            if index > 0 { output += pretty ? "," : ", " }
            if pretty { output += "\n" + innerIndent }
            if let key = entry.key { output += Self.quote(key) + ": " }
            entry.value.write(to: &output, pretty: pretty, sortedKeys: sortedKeys, indent: innerIndent)
        }
        if pretty { output += "\n" + indent }
        output += close
    }

    private static func format(_ number: Double) -> String {
        if number.isNaN { return "NaN" }
        if number.isInfinite { return number < 0 ? "-Infinity" : "Infinity" }
        return Python.repr(number)
    }

    private static func quote(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case "\u{08}": result += "\\b"
            case "\u{0C}": result += "\\f"
            case ..<" ":
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
