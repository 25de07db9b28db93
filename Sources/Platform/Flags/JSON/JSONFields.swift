import Base

/// Reads the members of one JSON object, reporting problems with their paths.
///
/// Optional members that are `null` count as absent, as `dict.get` lookups in
/// the reference engine treat them.
struct JSONFields {
    let members: OrderedMap<JSONValue>
    let path: String

    init(_ value: JSONValue, path: String) throws(JSONShapeError) {
        guard case .object(let members) = value else {
            throw JSONShapeError(path: path, message: "expected an object, found \(value.kindName)")
        }
        self.members = members
        self.path = path
    }

    /// The path of member `key`.
    func path(of key: String) -> String { Self.path(path, key: key) }

    func required(_ key: String) throws(JSONShapeError) -> JSONValue {
        guard let value = members[key] else {
            throw JSONShapeError(path: path, message: "missing required member \"\(key)\"")
        }
        return value
    }

    func optional(_ key: String) -> JSONValue? {
        guard let value = members[key], value != .null else { return nil }
        return value
    }

    func string(_ key: String) throws(JSONShapeError) -> String {
        try Self.string(required(key), path: path(of: key))
    }

    func optionalString(_ key: String) throws(JSONShapeError) -> String? {
        guard let value = optional(key) else { return nil }
        return try Self.string(value, path: path(of: key))
    }

    func bool(_ key: String) throws(JSONShapeError) -> Bool {
        let value = try required(key)
        guard case .bool(let flag) = value else {
            throw Self.mismatch(path(of: key), expected: "a boolean", found: value)
        }
        return flag
    }

    func number(_ key: String) throws(JSONShapeError) -> JSONNumber {
        try Self.number(required(key), path: path(of: key))
    }

    func optionalNumber(_ key: String) throws(JSONShapeError) -> JSONNumber? {
        guard let value = optional(key) else { return nil }
        return try Self.number(value, path: path(of: key))
    }

    func array<T>(
        _ key: String, _ element: (JSONValue, String) throws(JSONShapeError) -> T
    ) throws(JSONShapeError) -> [T] {
        try Self.array(required(key), path: path(of: key), element)
    }

    func optionalArray<T>(
        _ key: String, _ element: (JSONValue, String) throws(JSONShapeError) -> T
    ) throws(JSONShapeError) -> [T]? {
        guard let value = optional(key) else { return nil }
        return try Self.array(value, path: path(of: key), element)
    }

    func map<T>(
        _ key: String, _ element: (JSONValue, String) throws(JSONShapeError) -> T
    ) throws(JSONShapeError) -> OrderedMap<T> {
        try Self.map(required(key), path: path(of: key), element)
    }

    func optionalMap<T>(
        _ key: String, _ element: (JSONValue, String) throws(JSONShapeError) -> T
    ) throws(JSONShapeError) -> OrderedMap<T>? {
        guard let value = optional(key) else { return nil }
        return try Self.map(value, path: path(of: key), element)
    }

    static func string(_ value: JSONValue, path: String) throws(JSONShapeError) -> String {
        guard case .string(let text) = value else {
            throw mismatch(path, expected: "a string", found: value)
        }
        return text
    }

    static func number(_ value: JSONValue, path: String) throws(JSONShapeError) -> JSONNumber {
        guard let number = JSONNumber(value) else {
            throw mismatch(path, expected: "a number", found: value)
        }
        return number
    }

    static func array<T>(
        _ value: JSONValue, path: String, _ element: (JSONValue, String) throws(JSONShapeError) -> T
    ) throws(JSONShapeError) -> [T] {
        guard case .array(let elements) = value else {
            throw mismatch(path, expected: "an array", found: value)
        }
        var result: [T] = []
        for (index, item) in elements.enumerated() {
            result.append(try element(item, "\(path)[\(index)]"))
        }
        return result
    }

    static func map<T>(
        _ value: JSONValue, path: String, _ element: (JSONValue, String) throws(JSONShapeError) -> T
    ) throws(JSONShapeError) -> OrderedMap<T> {
        let fields = try JSONFields(value, path: path)
        var result = OrderedMap<T>()
        for (name, member) in fields.members {
            result[name] = try element(member, fields.path(of: name))
        }
        return result
    }

    /// `path.key`, or `path["key"]` when the key is not a plain identifier.
    static func path(_ path: String, key: String) -> String {
        let isIdentifier = !key.isEmpty && key.first?.isNumber == false
            && key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        return isIdentifier ? "\(path).\(key)" : "\(path)[\(JSONValue.string(key))]"
    }

    private static func mismatch(_ path: String, expected: String, found: JSONValue) -> JSONShapeError {
        JSONShapeError(path: path, message: "expected \(expected), found \(found.kindName)")
    }
}

/// Builds a JSON object, leaving out members whose value is `nil`.
func jsonObject(_ members: KeyValuePairs<String, JSONValue?>) -> JSONValue {
    var object = OrderedMap<JSONValue>()
    for (key, value) in members {
        if let value {
            object[key] = value
        }
    }
    return .object(object)
}
