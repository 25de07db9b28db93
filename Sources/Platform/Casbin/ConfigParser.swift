/// One `key = value` entry of a model file, with the line it started on.
struct ConfigEntry: Sendable {
    let section: String
    let key: String
    let value: String
    let line: Int
}

/// Reads the INI-like model format the way pycasbin's `Config` does: `[section]`
/// headers, `key = value` lines split at the first `=`, whole-line comments starting
/// with `#` or `;`, and continuation lines ending in `\`. Unlike pycasbin, a trailing
/// `# …` or `; …` comment after a value is removed (outside quotes), as Go Casbin does.
enum ConfigParser {
    static func parse(_ text: String) throws -> [ConfigEntry] {
        var entries: [ConfigEntry] = []
        var section: String?
        var pending: (text: String, line: Int)?

        func flush() throws {
            guard let (buffer, line) = pending else { return }
            pending = nil
            guard let equals = buffer.firstIndex(of: "=") else {
                throw CasbinError(.model, "line \(line): expected 'key = value', got '\(buffer.trimmed)'")
            }
            let key = buffer[..<equals].trimmed
            guard let section else {
                throw CasbinError(.model, "line \(line): key '\(key)' appears before any [section] header")
            }
            guard !key.isEmpty else {
                throw CasbinError(.model, "line \(line): missing key before '=' in [\(section)]")
            }
            let value = removingTrailingComment(buffer[buffer.index(after: equals)...].trimmed)
            entries.append(ConfigEntry(section: section, key: key, value: value, line: line))
        }

        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (offset, rawLine) in lines.enumerated() {
            let lineNumber = offset + 1
            let line = rawLine.trimmed
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") {
                try flush()
            } else if line.hasPrefix("["), line.hasSuffix("]") {
                try flush()
                section = String(line.dropFirst().dropLast()).trimmed
            } else if line.hasSuffix("\\") {
                let part = String(line.dropLast()).trimmed + " "
                pending = (text: (pending?.text ?? "") + part, line: pending?.line ?? lineNumber)
            } else {
                pending = (text: (pending?.text ?? "") + line, line: pending?.line ?? lineNumber)
                try flush()
            }
        }
        try flush()
        return entries
    }

    /// Cuts a `#` or `;` comment that starts outside a quoted string.
    private static func removingTrailingComment(_ value: String) -> String {
        var quote: Character?
        var escaped = false
        for index in value.indices {
            let character = value[index]
            if let open = quote {
                if escaped {
                    escaped = false
                } else if character == "\\" {
                    escaped = true
                } else if character == open {
                    quote = nil
                }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == "#" || character == ";" {
                return value[..<index].trimmed
            }
        }
        return value
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace (Python's `str.strip()`).
    var trimmed: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
            let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(String.UnicodeScalarView(scalars[first...last]))
    }
}
