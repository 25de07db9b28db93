import Base

/// Readable differences between an expected and an actual JSON value.
enum JSONDiff {
    /// One line per difference, each naming its path: objects are compared
    /// member by member regardless of order, arrays element by element when
    /// their lengths agree and as a whole otherwise.
    static func differences(expected: JSONValue, actual: JSONValue, path: String) -> [String] {
        switch (expected, actual) {
        case let (.object(expectedMembers), .object(actualMembers)):
            let keys = Set(expectedMembers.keys).union(actualMembers.keys).sorted(by: String.scalarOrder)
            return keys.flatMap { key -> [String] in
                let memberPath = JSONFields.path(path, key: key)
                switch (expectedMembers[key], actualMembers[key]) {
                case let (expected?, actual?):
                    return differences(expected: expected, actual: actual, path: memberPath)
                case let (expected?, nil):
                    return ["\(memberPath): missing, expected \(expected)"]
                case let (nil, actual?):
                    return ["\(memberPath): unexpected \(actual)"]
                case (nil, nil):
                    return []
                }
            }
        case let (.array(expectedElements), .array(actualElements)) where expectedElements.count == actualElements.count:
            return zip(expectedElements, actualElements).enumerated().flatMap { index, pair in
                differences(expected: pair.0, actual: pair.1, path: "\(path)[\(index)]")
            }
        default:
            return expected == actual ? [] : ["\(path): expected \(expected), got \(actual)"]
        }
    }
}
