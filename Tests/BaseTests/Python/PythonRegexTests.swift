import Testing
@testable import Base

/// The one Python-regex translator: Flagsmith's REGEX operator and Casbin's `regexMatch`,
/// `keyMatch4` and `keyGet3` both run through it. Each case names the side it came from.
@Suite struct PythonRegexTests {
    @Test(arguments: [
        // Flagsmith: Python's `$`, `\Z`, leading `]` and `[` in a class, inline flags.
        ("^a$", "^a(?=\\n?\\z)"),
        ("(?m)^a$", "(?m)^a$"),
        ("a\\Z", "a\\z"),
        ("[]a[]", "[\\]a\\[]"),
        ("(?iu)x", "(?i)x"),
        ("(?a)\\w", "(?DSWP)\\w"),
        // Casbin: quantifier braces, literal braces, named groups and back-references, class escaping.
        ("a{2,}b{,3}c{4}", "a{2,}b{0,3}c{4}"),
        ("a{x}", "a\\{x\\}"),
        ("(?P<id>[0-9]+)/(?P=id)", "(?<id>[0-9]+)/\\k<id>"),
        ("[ &~a-z.]", "[\\ \\&\\~a-z\\.]"),
    ])
    func translates(python: String, swift: String) {
        #expect(PythonRegex.translate(python) == swift)
    }

    /// `re.match`: anchored at the start only.
    @Test func matchesAtTheStart() throws {
        #expect(try PythonRegex.matches("b", "ab") == false)
        #expect(try PythonRegex.matches("a", "ab"))
        #expect(try PythonRegex.matches("", "anything"))
    }

    /// Python's `$` also matches before a final newline, and nowhere else without `(?m)`.
    @Test func dollarAsPythonReadsIt() throws {
        #expect(try PythonRegex.matches("a$", "a\n"))
        #expect(try PythonRegex.matches("a$", "a\nb") == false)
        #expect(try PythonRegex.matches("(?m)a$", "a\nb"))
        #expect(try PythonRegex.matches("a\\Z", "a\n") == false)
    }

    /// `\w` is a letter, a number or `_` (not a combining mark); `\d` any decimal digit, unless `(?a)`.
    @Test func unicodeClassesAsPythonReadsThem() throws {
        #expect(try PythonRegex.matches("^\\w+$", "héllo_٣"))
        #expect(try PythonRegex.matches("^\\w$", "e\u{301}") == false)
        #expect(try PythonRegex.matches("^\\d$", "٣"))
        #expect(try PythonRegex.matches("(?a)^\\d$", "٣") == false)
        #expect(try PythonRegex.matches("(?i)^ADMIN$", "admin"))
    }

    @Test func capturesGroups() throws {
        #expect(try PythonRegex.match("(?P<id>[0-9]+)/(x)?", "42/") == ["42", nil])
        #expect(try PythonRegex.match("^/([^/]+)/(.*)$", "/a/b/c") == ["a", "b/c"])
        #expect(try PythonRegex.match("(?P<v>x)(?P=v)", "xx") == ["x"])
        #expect(try PythonRegex.match("z", "abc") == nil)
    }

    @Test func bracesThatAreNoRepetitionAreLiterals() throws {
        #expect(try PythonRegex.matches("^/api/{id}$", "/api/{id}"))
        #expect(try PythonRegex.matches("^a{,2}$", "aa"))
        #expect(try PythonRegex.matches("^a{,2}$", "aaa") == false)
    }

    @Test func classPunctuationIsLiteral() throws {
        #expect(try PythonRegex.matches("^[a&&b]+$", "a&b"))
        #expect(try PythonRegex.matches("^[~~ ]+$", "~ ~"))
        #expect(try PythonRegex.matches("^[[:alpha:]]+$", ":a]") == false)
        #expect(try PythonRegex.matches("^[^]x]$", "]") == false)
    }

    @Test func refusesPatternsPythonWouldRefuse() {
        #expect(throws: PythonRegex.SyntaxError.self) { try PythonRegex.matches("(", "(") }
        #expect((try? PythonRegex.match("a(", "a")) == nil)
        #expect(PythonRegex.SyntaxError(pattern: "(").description == "invalid regular expression `(`")
    }
}
