import Foundation
import Testing
@testable import Base
@testable import Gateway

struct JSONTopLevelTests {
    func text(_ b: [UInt8]?) -> String? { b.map { String(decoding: $0, as: UTF8.self) } }

    @Test func replacesTopLevelStringsOnlyAndKeepsEverythingElse() throws {
        let doc = """
        {
          "id": "chatcmpl-up", "object":"chat.completion", "created": 1,
          "choices": [{"index":0,"message":{"role":"assistant","content":"say \\"id\\": \\"x\\"","tool_calls":[{"id":"call_1","model":"nested"}]}}],
          "model" : "gpt-4o-mini-2024-07-18", "system_fingerprint": "fp_1", "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
        }
        """
        let out = try #require(text(JSONTopLevel.replacingStrings(in: Array(doc.utf8), ["id": "chatcmpl-gw", "model": "my \"alias\""])))
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any])
        #expect(obj["id"] as? String == "chatcmpl-gw" && obj["model"] as? String == "my \"alias\"")
        #expect(obj["system_fingerprint"] as? String == "fp_1" && obj["created"] as? Int == 1)
        #expect(out.contains(#""id":"call_1","model":"nested""#))  // nested members untouched
        #expect(out.contains(#""content":"say \"id\": \"x\"""#))
    }

    @Test func everyDuplicateIsReplaced() {
        let out = text(JSONTopLevel.replacingStrings(in: Array(#"{"model":"a","x":[1,{"model":"n"}],"model":"b"}"#.utf8), ["model": "m"]))
        #expect(out == #"{"model":"m","x":[1,{"model":"n"}],"model":"m"}"#)
    }

    @Test func refusesWhatItCannotHandleSafely() {
        #expect(JSONTopLevel.replacingStrings(in: Array(#"[{"model":"a"}]"#.utf8), ["model": "m"]) == nil)   // not an object
        #expect(JSONTopLevel.replacingStrings(in: Array(#"{"model":3}"#.utf8), ["model": "m"]) == nil)       // not a string
        #expect(JSONTopLevel.replacingStrings(in: Array(#"{"other":"a"}"#.utf8), ["model": "m"]) == nil)     // missing
        #expect(JSONTopLevel.replacingStrings(in: Array(#"{"model":"a""#.utf8), ["model": "m"]) == nil)      // truncated
        #expect(JSONTopLevel.replacingStrings(in: Array(#"{"model":"unterminated}"#.utf8), ["model": "m"]) == nil)
        // An escaped key might spell "model": never guess.
        #expect(JSONTopLevel.replacingStrings(in: Array(#"{"model":"a","mod\u0065l":"b"}"#.utf8), ["model": "m"]) == nil)
    }

    @Test func integersAreReadOnlyWhenPlain() {
        let doc = Array(#"{"prompt_tokens": 12, "completion_tokens":3, "neg": -1, "f": 1.5, "details": {"prompt_tokens": 99}}"#.utf8)[...]
        #expect(JSONTopLevel.integer(in: doc, named: "prompt_tokens") == 12)
        #expect(JSONTopLevel.integer(in: doc, named: "completion_tokens") == 3)
        #expect(JSONTopLevel.integer(in: doc, named: "neg") == nil && JSONTopLevel.integer(in: doc, named: "f") == nil)
        #expect(JSONTopLevel.integer(in: doc, named: "missing") == nil)
    }
}
