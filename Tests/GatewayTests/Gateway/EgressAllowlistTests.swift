import Testing
@testable import Base
@testable import Gateway

@Suite struct EgressAllowlistTests {
    func endpoint(_ s: String) -> Endpoint { try! Endpoint.parse(s).get() }

    @Test func plainHostAllowsHTTPSOn443Only() throws {
        let list = try EgressAllowlist(["api.openai.com"])
        #expect(list.allows(endpoint("https://api.openai.com/v1")))
        #expect(!list.allows(endpoint("http://api.openai.com/v1")))
        #expect(!list.allows(endpoint("https://api.openai.com:8443/v1")))
        #expect(!list.allows(endpoint("https://api.openai.com.evil.example/v1")))
        #expect(!list.allows(endpoint("https://evilapi.openai.com/v1")))
    }

    @Test func wildcardMatchesSubdomainsNotApex() throws {
        let list = try EgressAllowlist(["*.openai.azure.com"])
        #expect(list.allows(endpoint("https://tenant1.openai.azure.com")))
        #expect(!list.allows(endpoint("https://openai.azure.com")))
        #expect(!list.allows(endpoint("https://x.openai.azure.com.evil.example")))
    }

    /// IP literals, loopback and metadata hosts need an exact entry, never a wildcard.
    @Test func sensitiveHostsNeedExactEntries() throws {
        let list = try EgressAllowlist(["*.corp.internal", "api.openai.com"])
        #expect(!list.allows(endpoint("http://169.254.169.254/latest")))
        #expect(!list.allows(endpoint("https://metadata.google.internal")))
        #expect(!list.allows(endpoint("https://db.corp.internal")))
        #expect(!list.allows(endpoint("http://127.0.0.1:18100")))
        let loop = try EgressAllowlist(["http://127.0.0.1:18100"])
        #expect(loop.allows(endpoint("http://127.0.0.1:18100/v1")))
        #expect(!loop.allows(endpoint("http://127.0.0.1:18101/v1")))
        #expect(!loop.allows(endpoint("https://127.0.0.1:18100/v1")))
    }

    @Test(arguments: ["ftp://x.example", "api.*.com", "*.com", "host/path", "host:99999"])
    func rejectsMalformedEntries(entry: String) {
        #expect(throws: EgressAllowlist.EntryError.self) { try EgressAllowlist([entry]) }
    }

    @Test func endpointParsingRefusesCredentialsAndOddSchemes() {
        #expect(Endpoint.parse("https://user:pw@api.openai.com") == .failure(.credentialsInURL))
        #expect(Endpoint.parse("file:///etc/passwd") == .failure(.unsupportedScheme("file")))
        #expect(try! Endpoint.parse("HTTPS://API.OpenAI.com./v1/").get() == Endpoint(scheme: "https", host: "api.openai.com", port: 443, basePath: "/v1"))
    }
}
