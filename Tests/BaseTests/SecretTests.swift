import Testing
@testable import Base

/// One Secret for the whole platform: it leaks through none of Swift's ways of printing.
@Suite struct SecretTests {
    @Test func neverPrintsItsValue() {
        let s = Secret("sk-live-0123456789abcdef")
        var dumped = ""
        dump(s, to: &dumped)
        let printed = ["\(s)", String(describing: s), String(reflecting: s), dumped, "\([s])", "\(Optional(s) as Any)"]
        for text in printed { #expect(!text.contains("0123456789"), "leaked: \(text)") }
        #expect(Mirror(reflecting: s).children.isEmpty)
        #expect(s.reveal() == "sk-live-0123456789abcdef")
    }
}
