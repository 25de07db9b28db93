import Testing
@testable import Base
@testable import Gateway

struct HTTPHeaderTests {
    @Test func namesCompareASCIICaseInsensitively() {
        let headers = [HTTPHeader("Content-Type", "application/json"), HTTPHeader("x-api-key", "sk-a"), HTTPHeader("X-API-KEY", "sk-b")]
        #expect(headers.value("content-type") == "application/json")
        #expect(headers.value("CONTENT-TYPE") == "application/json")
        #expect(headers.value("x-api-key") == "sk-a")      // the first of equal names wins
        #expect(headers.value("X-Api-Key") == "sk-a")
        #expect(headers.value("x-api-keys") == nil)
        #expect(headers.value("content_type") == nil)
        // Only letters fold: '@' (0x40) and '`' (0x60) differ by the case bit but are not letters.
        #expect(!HTTPHeader.namesMatch("a@b", "a`b"))
        #expect(!HTTPHeader.namesMatch("x-1", "x-\u{11}"))
    }
}
