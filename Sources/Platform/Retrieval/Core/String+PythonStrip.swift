extension String {
    /// The string with leading and trailing whitespace removed exactly as Python's `str.strip()`
    /// does, scalar by scalar.
    ///
    /// Recorded embeddings are keyed by the SHA-256 of texts built in Python, so rebuilding a
    /// key needs Python's notion of whitespace: Unicode `White_Space` plus the four separators
    /// U+001C–U+001F. Working on scalars (not `Character`s) means a combining mark after a
    /// leading space survives, as in Python.
    public func trimmingPythonWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.isPythonWhitespace }) else { return "" }
        guard let last = scalars.lastIndex(where: { !$0.isPythonWhitespace }) else { return "" }
        if first == scalars.startIndex, scalars.index(after: last) == scalars.endIndex { return self }
        return String(scalars[first...last])
    }
}

extension Unicode.Scalar {
    /// Whether Python's `str.isspace()` is true for this scalar.
    var isPythonWhitespace: Bool {
        switch value {
        case 0x1C...0x1F: return true
        default: return properties.isWhitespace
        }
    }
}
