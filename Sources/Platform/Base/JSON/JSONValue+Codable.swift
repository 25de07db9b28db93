extension JSONValue: Codable {
    /// Decodes any JSON value: `true`/`false` as booleans, a number an `Int` holds exactly
    /// (`5`, `5.0`, `5e0` with Foundation's decoder) as an integer, any other number as a double.
    ///
    /// Decoders do not report object member order, so members decoded this
    /// way are ordered by key; use ``JSONValue/parse(_:allowNonFiniteNumbers:)``
    /// to keep document order.
    public init(from decoder: any Decoder) throws {
        if let container = try? decoder.container(keyedBy: MemberKey.self) {
            var members = OrderedMap<JSONValue>()
            for key in container.allKeys.sorted(by: { String.scalarOrder($0.stringValue, $1.stringValue) }) {
                members[key.stringValue] = try container.decode(JSONValue.self, forKey: key)
            }
            self = .object(members)
        } else if var container = try? decoder.unkeyedContainer() {
            var elements: [JSONValue] = []
            while !container.isAtEnd {
                elements.append(try container.decode(JSONValue.self))
            }
            self = .array(elements)
        } else {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let flag = try? container.decode(Bool.self) {
                self = .bool(flag)
            } else if let number = try? container.decode(Int.self) {
                self = .int(number)
            } else if let number = try? container.decode(Double.self) {
                self = .double(number)
            } else {
                self = .string(try container.decode(String.self))
            }
        }
    }

    /// Encodes the value, objects in member order (an encoder may sort them); a double that
    /// is not finite as `null`.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var container = encoder.singleValueContainer()
            try container.encodeNil()
        case .bool(let flag):
            var container = encoder.singleValueContainer()
            try container.encode(flag)
        case .int(let number):
            var container = encoder.singleValueContainer()
            try container.encode(number)
        case .double(let number):
            // JSON has no NaN or infinity; `null` keeps the rest of the document.
            var container = encoder.singleValueContainer()
            if number.isFinite { try container.encode(number) } else { try container.encodeNil() }
        case .string(let text):
            var container = encoder.singleValueContainer()
            try container.encode(text)
        case .array(let elements):
            var container = encoder.unkeyedContainer()
            for element in elements {
                try container.encode(element)
            }
        case .object(let members):
            var container = encoder.container(keyedBy: MemberKey.self)
            for (key, value) in members {
                try container.encode(value, forKey: MemberKey(key))
            }
        }
    }

    private struct MemberKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }

        init(_ name: String) { stringValue = name }
        init?(stringValue: String) { self.init(stringValue) }
        init?(intValue: Int) { nil }
    }
}
