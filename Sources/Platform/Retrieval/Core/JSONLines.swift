import Foundation

/// Splits JSON Lines data into its non-empty lines.
enum JSONLines {
    /// The non-empty lines of `data` with their 1-based line numbers; a trailing `\r` is dropped.
    static func split(_ data: Data) -> [(lineNumber: Int, line: Data)] {
        var lines: [(Int, Data)] = []
        var lineNumber = 0
        var start = data.startIndex
        while start < data.endIndex {
            lineNumber += 1
            let end = data[start...].firstIndex(of: 0x0A) ?? data.endIndex
            var lineEnd = end
            if lineEnd > start, data[data.index(before: lineEnd)] == 0x0D { lineEnd = data.index(before: lineEnd) }
            let line = data[start..<lineEnd]
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { lines.append((lineNumber, Data(line))) }
            start = end < data.endIndex ? data.index(after: end) : data.endIndex
        }
        return lines
    }
}
