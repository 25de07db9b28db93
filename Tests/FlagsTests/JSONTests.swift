import Base
import Foundation
import Testing
@testable import Flags

@Suite("JSON")
struct JSONTests {
    @Test func dropsFullLineComments() throws {
        let text = "// a comment\n{\n  // another\n  \"a\": \"// not a comment\"\n}"
        #expect(try JSONValue.parse(JSONC.strippingLineComments(text)) == ["a": "// not a comment"])
    }
}

@Suite("Python conversions")
struct PythonConversionTests {
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
}
