import Foundation
import Testing
@testable import Base

/// The one JSON value: what the Flagsmith engine needs (integers apart from doubles, member
/// order, order-blind equality, Python's non-finite literals) and what the API, tokens and
/// wire types need (Hashable, Codable, literals, accessors).
@Suite struct JSONValueTests {
    // MARK: Parsing (the one parser)

    @Test func keepsIntegersAndDoublesApart() throws {
        #expect(try JSONValue.parse("[1, 1.0, -0, 1e2, 12345678901234567890]")
            == [.int(1), .double(1), .int(0), .double(100), .double(12_345_678_901_234_567_168)])
        #expect(JSONValue.int(1) != JSONValue.double(1))
    }

    /// A repeated name keeps its first position and its last value, as Python's `json` does.
    @Test func keepsMemberOrderButComparesWithoutIt() throws {
        let value = try JSONValue.parse(#"{"b": 1, "a": 2, "b": 3}"#)
        let members = try #require(value.objectValue)
        #expect(members.keys == ["b", "a"])
        #expect(members["b"] == 3)
        #expect(value == ["a": 2, "b": 3])
    }

    @Test func decodesEscapes() throws {
        #expect(try JSONValue.parse(#""a\"\\\/\n\u00e9\ud83d\ude00""#) == .string("a\"\\/\né😀"))
        // A lone surrogate cannot live in a Swift string.
        #expect(try JSONValue.parse(#""\ud800x""#) == .string("\u{FFFD}x"))
    }

    @Test(arguments: [
        ("", "line 1, column 1: unexpected end of input"),
        ("[1,]", "line 1, column 4: unexpected character ']'"),
        ("{\n  \"a\" 1}", "line 2, column 7: expected ':'"),
        ("01", "line 1, column 2: unexpected content after the JSON value"),
        ("\"\u{01}\"", "line 1, column 2: unescaped control character in string"),
        ("NaN", "line 1, column 1: unexpected character 'N'"),
    ])
    func reportsSyntaxErrors(text: String, message: String) {
        #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(text) }
        do {
            _ = try JSONValue.parse(text)
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func acceptsPythonsNonFiniteLiteralsOnRequest() throws {
        let value = try JSONValue.parse("[NaN, Infinity, -Infinity]", allowNonFiniteNumbers: true)
        guard case .array(let numbers) = value, numbers.count == 3, case .double(let nan) = numbers[0] else {
            Issue.record("expected three doubles")
            return
        }
        #expect(nan.isNaN)
        #expect(Array(numbers.dropFirst()) == [.double(.infinity), .double(-.infinity)])
    }

    @Test func rejectsDeepNesting() {
        #expect(throws: JSONSyntaxError.self) {
            try JSONValue.parse(String(repeating: "[", count: 10_000))
        }
    }

    @Test func parsesBytes() throws {
        #expect(try JSONValue.parse(utf8: Array(#"{"é": [true, null]}"#.utf8)) == ["é": [true, .null]])
    }

    // MARK: Equality and hashing

    @Test func hashesLikeItCompares() {
        let a: JSONValue = ["x": 1, "y": [1, 2.5]]
        let b: JSONValue = ["y": [1, 2.5], "x": 1]
        #expect(a == b)
        #expect(Set<JSONValue>([a, b]).count == 1)
        let distinct: [JSONValue] = [1, 1.0, "1", true]
        #expect(Set(distinct).count == 4)
    }

    // MARK: Building and reading

    @Test func literalsAndDictionaries() {
        let name = "acme"
        let literal: JSONValue = ["b": 1, "a": "tenant \(name)", "c": [true, .null, 2.5]]
        #expect(literal.objectValue?.keys == ["b", "a", "c"])
        #expect(literal["a"] == .string("tenant acme"))
        // A dictionary has no order: built from one, members are ordered by key.
        let fromDictionary = JSONValue.object(["b": 1, "a": 2, "é": 3, "B": 4])
        #expect(fromDictionary.objectValue?.keys == ["B", "a", "b", "é"])
    }

    @Test func accessors() {
        let value: JSONValue = ["s": "text", "i": 5, "w": 5.0, "f": 5.5, "b": false, "a": [1], "o": ["k": 1]]
        #expect(value["s"]?.stringValue == "text" && value["i"]?.stringValue == nil)
        #expect(value["i"]?.integerValue == 5 && value["w"]?.integerValue == 5 && value["f"]?.integerValue == nil)
        #expect(value["i"]?.numberValue == 5 && value["f"]?.numberValue == 5.5 && value["s"]?.numberValue == nil)
        #expect(value["b"]?.boolValue == false)
        #expect(value["a"]?.arrayValue == [1])
        #expect(value["o"]?.objectValue?["k"] == 1)
        #expect(value["missing"] == nil && JSONValue.int(1)["k"] == nil)
        #expect(value["o"]?.objectValue?.dictionary == ["k": 1])
    }

    /// Python truthiness, as the Flagsmith engine's `if value:`.
    @Test func truthiness() {
        let falsy: [JSONValue] = [.null, false, 0, 0.0, "", [], [:]]
        #expect(falsy.allSatisfy { !$0.isTruthy })
        let truthy: [JSONValue] = [true, 1, 0.5, "0", [.null], ["a": .null]]
        #expect(truthy.allSatisfy { $0.isTruthy })
    }

    @Test func roundsFiguresForPeople() {
        #expect(JSONValue.double(2.0 / 3.0, decimals: 4) == .double(0.6667))
        #expect(JSONValue.double(0.5, decimals: 3) == .double(0.5))
        #expect(JSONValue.double(.nan, decimals: 4) == .null)
    }

    // MARK: Codable

    @Test func roundTripsThroughCodable() throws {
        let value: JSONValue = ["a": [1, 2.5, "x", true, .null], "b": ["c": "d"]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }

    /// Foundation's decoder does not say how a number was written, nor in which order members came.
    @Test func decodesWholeNumbersAsIntegersAndSortsMembers() throws {
        let value = try JSONCoding.decode(JSONValue.self, from: Array(#"{"z": 5.0, "a": 1e2, "m": 2.5}"#.utf8))
        #expect(value.objectValue?.keys == ["a", "m", "z"])
        #expect(value == ["a": 100, "m": 2.5, "z": 5])
    }

    @Test func sitsInsideCodableStructs() throws {
        struct Tool: Codable, Equatable { var name: String; var schema: JSONValue? }
        let tool = Tool(name: "search", schema: ["type": "object", "required": ["q"]])
        let bytes = try JSONCoding.encode(tool)
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"name":"search","schema":{"required":["q"],"type":"object"}}"#)
        #expect(try JSONCoding.decode(Tool.self, from: bytes) == tool)
    }

    /// JSON has no NaN: the value becomes null, the rest of the document stays.
    @Test func encodesNonFiniteDoublesAsNull() throws {
        let bytes = try JSONCoding.encode(["a": .double(.nan), "b": 1] as JSONValue)
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"a":null,"b":1}"#)
    }
}
