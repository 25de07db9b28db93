import Storage
import Testing

@Suite struct TenantIDTests {
    /// Slugs of 2 to 40 characters from a-z, 0-9 and - are accepted.
    @Test(arguments: ["ab", "acme", "acme-corp-2", "0-0", String(repeating: "a", count: 40)])
    func acceptsSlugs(raw: String) throws {
        #expect(try TenantID(raw).rawValue == raw)
    }

    /// Anything else is refused, including text that would break out of a quoted SQL identifier.
    @Test(arguments: ["", "a", "Acme", "acme_corp", "acme corp", "a\"; DROP DATABASE x; --", "ацме", String(repeating: "a", count: 41)])
    func rejectsEverythingElse(raw: String) {
        let error = #expect(throws: StorageError.self) { try TenantID(raw) }
        #expect(error?.code == .invalidTenantID)
    }
}
