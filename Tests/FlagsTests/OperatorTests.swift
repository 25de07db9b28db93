import Base
import Testing
@testable import Flags

/// Each operator, including the reference engine's coercions: string traits
/// that spell numbers become numbers, and the condition value is cast to the
/// trait's type.
@Suite("Condition operators")
struct OperatorTests {
    @Test func equal() {
        #expect(matches("abc", .equal, "abc"))
        #expect(!matches("abc", .equal, "ABC"))
        #expect(matches(5, .equal, "5"))
        #expect(matches("5", .equal, "5"))          // "5" is coerced to 5 on both sides
        #expect(matches(5, .equal, " 5 "))          // int(" 5 ") == 5
        #expect(matches(1000, .equal, "1_000"))
        #expect(!matches(5, .equal, "5.0"))         // int("5.0") raises
        #expect(matches(1.5, .equal, "1.5"))
        #expect(matches(2.0, .equal, "2"))
        #expect(matches(true, .equal, "true"))      // anything but "False"/"false" is True
        #expect(matches(true, .equal, "yes"))
        #expect(!matches(false, .equal, "0"))
        #expect(matches(false, .equal, "False"))
        #expect(!matches(1, .equal, "true"))        // int("true") raises
        #expect(!matches("é", .equal, "e\u{301}"))  // code points, not canonical equivalence
        #expect(matches("12345678901234567890", .equal, "12345678901234567890"))
    }

    @Test func notEqual() {
        #expect(matches("abc", .notEqual, "abd"))
        #expect(!matches("abc", .notEqual, "abc"))
        #expect(!matches(5, .notEqual, "abc"))      // the cast fails, so no match
        #expect(!matches(false, .notEqual, "false"))
        #expect(!matches(nil, .notEqual, "x"))      // unset traits never match
    }

    @Test func orderings() {
        #expect(matches(10, .greaterThan, "9"))
        #expect(!matches("10", .greaterThan, "9.5")) // int("9.5") raises
        #expect(matches(10.5, .greaterThan, "9.5"))
        #expect(matches("b", .greaterThan, "a"))
        #expect(matches("abc", .greaterThan, "ab"))
        #expect(matches(5, .greaterThanInclusive, "5"))
        #expect(matches(4, .lessThan, "5"))
        #expect(!matches(5, .lessThan, "5"))
        #expect(matches(5, .lessThanInclusive, "5"))
        #expect(matches(false, .lessThan, "true"))
        #expect(matches("99999999999999999999", .greaterThan, "99999999999999999998"))
        #expect(matches(-3, .lessThan, "-2"))
    }

    @Test func contains() {
        #expect(matches("hello world", .contains, "lo w"))
        #expect(matches("hello", .contains, ""))
        #expect(!matches("hello", .contains, "xyz"))
        #expect(!matches(12345, .contains, "234"))  // only strings contain
        #expect(!matches(true, .contains, "true"))
    }

    @Test func notContains() {
        #expect(matches("hello", .notContains, "xyz"))
        #expect(!matches("hello", .notContains, "ell"))
        #expect(!matches(12345, .notContains, "9"))  // only strings qualify
        #expect(!matches(nil, .notContains, "x"))
    }

    @Test func regex() {
        #expect(matches("user_42", .regex, "user_\\d+"))
        #expect(matches("abc", .regex, "a"))           // re.match anchors at the start only
        #expect(!matches("xabc", .regex, "a"))
        #expect(matches("abc\n", .regex, "^abc$"))     // `$` also matches before a final newline
        #expect(!matches("abc\n", .regex, "abc\\Z"))
        #expect(matches(1.5, .regex, "\\d\\.\\d"))     // numbers match as their str()
        #expect(matches(true, .regex, "True"))
        #expect(matches("ABC", .regex, "(?i)abc"))
        #expect(!matches("abc", .regex, "("))          // invalid patterns never match
    }

    @Test func modulo() {
        #expect(matches(4, .modulo, "2|0"))
        #expect(!matches(5, .modulo, "2|0"))
        #expect(matches("5", .modulo, "2|1"))
        #expect(matches(2.5, .modulo, "2|0.5"))
        #expect(matches(-1, .modulo, "3|2"))          // Python's sign rules
        #expect(matches(true, .modulo, "2|1"))
        #expect(!matches("abc", .modulo, "2|0"))
        #expect(!matches(4, .modulo, "2"))
        #expect(!matches(4, .modulo, "2|0|1"))
        #expect(!matches(4, .modulo, "x|0"))
        #expect(!matches(4, .modulo, ""))
        #expect(!matches(4, .modulo, "0|0"))
    }

    @Test func isSetAndIsNotSet() {
        #expect(matches("x", .isSet, ""))
        #expect(!matches(nil, .isSet, ""))
        #expect(!matches(.null, .isSet, ""))
        #expect(matches(nil, .isNotSet, ""))
        #expect(matches(.null, .isNotSet, ""))
        #expect(!matches(false, .isNotSet, ""))
    }

    @Test func inList() {
        #expect(matches("b", .in, ["a", "b"]))
        #expect(matches("b", .in, "a,b,c"))
        #expect(!matches("b", .in, "a, b"))
        #expect(matches(2, .in, "1,2"))
        #expect(matches(2, .in, [1, 2]))
        #expect(matches("x", .in, #"["x", "y"]"#))    // a JSON array in a string
        #expect(matches("[x", .in, "[x,y"))          // invalid JSON falls back to commas
        #expect(!matches(1.5, .in, "1.5"))           // floats are never in the list
        #expect(!matches(true, .in, "True"))
        #expect(!matches(nil, .in, "None"))
        #expect(!matches("007", .in, "007"))         // "007" becomes 7, then "7"
    }

    @Test func percentageSplit() {
        // percentage(["1", "key_user_1"]) is about 37.28.
        let traits: OrderedMap<JSONValue> = [:]
        func split(_ threshold: JSONValue, property: String = "") -> Bool {
            !FlagEngine.evaluate(context(traits: traits, conditions: [
                SegmentCondition(property: property, operator: .percentageSplit, value: threshold),
            ])).segments.isEmpty
        }
        #expect(split("37.3"))
        #expect(!split("37.2"))
        #expect(!split("abc"))
        #expect(split("37.3", property: "$.identity.key"))
        #expect(!split("100", property: "missing"))
    }

    @Test func unknownOperatorsNeverMatch() {
        #expect(!matches("x", .other("STARTS_WITH"), "x"))
        #expect(ConditionOperator(rawValue: "STARTS_WITH") == .other("STARTS_WITH"))
        #expect(ConditionOperator(rawValue: "IN") == .in)
    }
}
