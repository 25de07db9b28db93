import Foundation
import Testing
@testable import Flags

@Suite("JSON")
struct JSONTests {
    @Test func keepsIntegersAndDoublesApart() throws {
        #expect(try JSONValue.parse("[1, 1.0, -0, 1e2, 12345678901234567890]")
            == [.int(1), .double(1), .int(0), .double(100), .double(12_345_678_901_234_567_168)])
        #expect(JSONValue.int(1) != JSONValue.double(1))
    }

    @Test func keepsMemberOrderButComparesWithoutIt() throws {
        let value = try JSONValue.parse(#"{"b": 1, "a": 2, "b": 3}"#)
        guard case .object(let members) = value else {
            Issue.record("expected an object")
            return
        }
        #expect(members.keys == ["b", "a"])
        #expect(members["b"] == 3)
        #expect(value == ["a": 2, "b": 3])
    }

    @Test func decodesEscapes() throws {
        #expect(try JSONValue.parse(#""a\"\\\/\n\u00e9\ud83d\ude00""#) == .string("a\"\\/\né😀"))
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

    @Test func serialisesDeterministically() throws {
        let value: JSONValue = ["b": [1, 2.5, 1e16, "x\n"], "a": .null, "é": true]
        #expect(value.serialized() == #"{"a": null, "b": [1, 2.5, 1e+16, "x\n"], "é": true}"#)
        #expect(value.serialized(pretty: true, sortedKeys: false) == """
            {
              "b": [
                1,
                2.5,
                1e+16,
                "x\\n"
              ],
              "a": null,
              "é": true
            }
            """)
    }

    @Test func dropsFullLineComments() throws {
        let text = "// a comment\n{\n  // another\n  \"a\": \"// not a comment\"\n}"
        #expect(try JSONValue.parse(JSONC.strippingLineComments(text)) == ["a": "// not a comment"])
    }

    @Test func roundTripsThroughCodable() throws {
        let value: JSONValue = ["a": [1, 2.5, "x", true, .null], "b": ["c": "d"]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
    }
}

@Suite("Python conversions")
struct PythonConversionTests {
    /// `repr(float)` in CPython.
    @Test(arguments: [
        (1e16, "1e+16"), (1e-5, "1e-05"), (0.0001, "0.0001"), (123456789.0, "123456789.0"),
        (9.5e15, "9500000000000000.0"), (1e22, "1e+22"), (-0.0, "-0.0"), (0.1, "0.1"),
        (Double.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"), (2.5, "2.5"),
        (100.0, "100.0"), (1234567890123456.7, "1234567890123456.8"), (Double.infinity, "inf"),
    ])
    func reprOfFloats(value: Double, expected: String) {
        #expect(Python.repr(value) == expected)
    }

    @Test func strOfJSONValues() {
        #expect(Python.str(.null) == "None")
        #expect(Python.str(true) == "True")
        #expect(Python.str("it's") == "it's")
        #expect(Python.str(["a", 1, 1.0, .null, "it's"]) == #"['a', 1, 1.0, None, "it's"]"#)
        #expect(Python.str(["k": "\u{1}"]) == #"{'k': '\x01'}"#)
    }

    @Test func intParsing() {
        #expect(Python.int(" 42 ")?.description == "42")
        #expect(Python.int("-1_000")?.description == "-1000")
        #expect(Python.int("+007")?.description == "7")
        #expect(Python.int("٣")?.description == "3")
        #expect(Python.int("123456789012345678901234567890")?.description == "123456789012345678901234567890")
        for invalid in ["", "1.0", "1__0", "_1", "1_", "0x10", "1e3", "- 1"] {
            #expect(Python.int(invalid) == nil, "int(\(invalid))")
        }
    }

    @Test func floatParsing() {
        #expect(Python.float(" 1.5 ") == 1.5)
        #expect(Python.float("1_000.5") == 1000.5)
        #expect(Python.float(".5") == 0.5)
        #expect(Python.float("5.") == 5)
        #expect(Python.float("1e3") == 1000)
        #expect(Python.float("-Infinity") == -.infinity)
        #expect(Python.float("nan")?.isNaN == true)
        for invalid in ["", ".", "e5", "1e", "0x10", "1.2.3", "in"] {
            #expect(Python.float(invalid) == nil, "float(\(invalid))")
        }
    }

    @Test func floatModuloTakesTheDivisorsSign() {
        #expect(Python.floatModulo(-1, 3) == 2)
        #expect(Python.floatModulo(1, -3) == -2)
        #expect(Python.floatModulo(5.5, 2) == 1.5)
        #expect(Python.floatModulo(1, 0) == nil)
    }

    @Test func integersCompareByValue() throws {
        let values = try ["-100", "-99", "-0", "7", "007", "99999999999999999999"].map { try #require(PythonInt(decimal: $0)) }
        #expect(values[0] < values[1] && values[1] < values[2] && values[2] < values[3])
        #expect(values[3] == values[4] && values[4] < values[5])
        #expect(values[2].description == "0")
    }

    @Test func regexTranslation() {
        #expect(Python.swiftPattern("^a$") == "^a(?=\\n?\\z)")
        #expect(Python.swiftPattern("(?m)^a$") == "(?m)^a$")
        #expect(Python.swiftPattern("a\\Z") == "a\\z")
        #expect(Python.swiftPattern("[]a[]") == "[\\]a\\[]")
        #expect(Python.reMatch(pattern: "(", subject: "(") == nil)
    }
}
