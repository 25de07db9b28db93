import Testing
@testable import Base

/// The one JSON writer and its one string escaper: Python's layout for the Flagsmith engine
/// and endpoints, the report layout for the Lab.
@Suite struct JSONWriterTests {
    // MARK: Python style (json.dumps)

    @Test func writesLikePythonsJSONDumps() {
        let value: JSONValue = ["b": [1, 2.5, 1e16, "x\n"], "a": .null, "é": true]
        #expect(value.serialized() == #"{"a": null, "b": [1, 2.5, 1e+16, "x\n"], "é": true}"#)
        #expect(value.description == value.serialized())
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

    @Test(arguments: [
        (JSONValue.double(1), "1.0"), (.double(1e-5), "1e-05"), (.double(0.1), "0.1"), (.double(-0.0), "-0.0"),
        (.double(.nan), "NaN"), (.double(.infinity), "Infinity"), (.double(-.infinity), "-Infinity"),
        (.int(-7), "-7"), (.object(OrderedMap()), "{}"), (.array([]), "[]"),
    ])
    func writesPythonNumbers(value: JSONValue, text: String) {
        #expect(value.serialized() == text)
    }

    // MARK: Report style

    /// Indented, in member order, six significant digits, non-finite as null, a final newline.
    @Test func writesReports() {
        let value: JSONValue = [
            "z": 2.0, "third": .double(1.0 / 3.0), "big": 123_456_789.25, "nan": .double(.nan),
            "nested": ["empty": [], "none": [:], "n": .int(9_000_000_000_000_000)],
        ]
        #expect(value.serialized(.report) == """
            {
              "z": 2,
              "third": 0.333333,
              "big": 1.23457e+08,
              "nan": null,
              "nested": {
                "empty": [],
                "none": {},
                "n": 9000000000000000
              }
            }

            """)
    }

    // MARK: The escaper

    @Test func quotesStrings() {
        #expect(JSONWriter.quoted("plain / é") == #""plain / é""#)
        #expect(JSONWriter.quoted("a\"b\\c\nd\re\tf\u{8}g\u{c}h\u{1}i\u{1f}") == #""a\"b\\c\nd\re\tf\bg\fh\u0001i\u001f""#)
    }

    @Test(arguments: ["plain", "quote \" and \\", "line\nbreak \u{0} é 😀"])
    func quotesBytesAsText(text: String) throws {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        JSONWriter.appendQuoted(text, to: &bytes)
        var string = "["
        JSONWriter.appendQuoted(text, to: &string)
        #expect(bytes == Array(string.utf8))
        #expect(string == "[" + JSONWriter.quoted(text))
        #expect(try JSONValue.parse(JSONWriter.quoted(text)) == .string(text))
    }
}
