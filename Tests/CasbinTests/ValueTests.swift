import Base
import Testing
@testable import Casbin

/// Casbin's own value type, read from the one JSON value and printed with the one escaper.
@Suite struct ValueTests {
    @Test func readsJSONValues() throws {
        let json = try JSONValue.parse(#"["alice", 3, 2.5, true, null, {"Age": 21, "tags": ["a"]}]"#)
        #expect(try #require(json.arrayValue).map(Value.init)
            == ["alice", .number(3), .number(2.5), .bool(true), .null, .object(["Age": .number(21), "tags": .list(["a"])])])
    }

    @Test func printsStringsAsJSONLiterals() {
        #expect(Value.string("say \"hi\"\n\u{1}").description == #""say \"hi\"\n\u0001""#)
        #expect(Value.object(["b": 1, "a": "x"]).description == #"{"a": "x", "b": 1}"#)
        #expect(Value.list([1, 2.5, .null]).description == "[1, 2.5, null]")
    }
}
