import Foundation
import Testing

/// `dcoder tenant`: provisioning a database per tenant from the command line (SQLite).
@Suite struct TenantCLITests {
    @Test func createIsIdempotentAndEachTenantGetsItsOwnDatabase() throws {
        let data = CLI.tempDir()
        let first = try CLI.run(["tenant", "create", "acme", "--name", "Acme Corp", "--data", data])
        #expect(first.status == 0 && first.out == "acme\tactive\tAcme Corp\tsqlite:tenants/acme.sqlite\n", "\(first.out)\(first.err)")
        let again = try CLI.run(["tenant", "create", "acme", "--name", "Other name", "--data", data])
        #expect(again.status == 0 && again.out == first.out)
        #expect(try CLI.run(["tenant", "create", "globex", "--data", data]).status == 0)
        #expect(FileManager.default.fileExists(atPath: data + "/tenants/acme.sqlite"))
        #expect(FileManager.default.fileExists(atPath: data + "/tenants/globex.sqlite"))
        let suspended = try CLI.run(["tenant", "suspend", "globex", "--data", data])
        #expect(suspended.status == 0 && suspended.out.contains("globex\tsuspended"))
        let list = try CLI.run(["tenant", "list", "--data", data])
        #expect(list.out.split(separator: "\n").map { $0.split(separator: "\t").prefix(2).joined(separator: " ") } == ["acme active", "globex suspended"])
        let resumed = try CLI.run(["tenant", "resume", "globex", "--data", data])
        #expect(resumed.status == 0 && resumed.out.contains("globex\tactive"))
    }

    @Test func badIdsAndImpossibleChangesAreClearErrors() throws {
        let data = CLI.tempDir()
        let bad = try CLI.run(["tenant", "create", "Bad_ID", "--data", data])
        #expect(bad.status == 2 && bad.err.contains("Bad_ID"))
        let missing = try CLI.run(["tenant", "suspend", "nobody", "--data", data])
        #expect(missing.status == 1 && missing.err.contains("nobody"))
    }

    /// `dcoder config set` and `config show`: the platform value, the tenant's override and
    /// the merged result, as the Platform API computes it.
    @Test func configShowMergesPlatformAndTenantSettings() throws {
        let data = CLI.tempDir()
        #expect(try CLI.run(["tenant", "create", "acme", "--data", data]).status == 0)
        #expect(try CLI.run(["config", "set", "quotas", #"{"requests_per_minute": 600, "concurrent": 8}"#, "--data", data]).status == 0)
        #expect(try CLI.run(["config", "set", "providers", #"{"openai": {"endpoint": "https://eu.api.openai.test/v1"}}"#, "--data", data]).status == 0)
        let shown = try CLI.run(["config", "show", "--tenant", "acme", "--data", data])
        #expect(shown.status == 0, "\(shown.err)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.out.utf8)) as? [String: Any])
        #expect((json["quotas"] as? [String: Any])?["requests_per_minute"] as? Int == 600)
        #expect(((json["providers"] as? [String: Any])?["openai"] as? [String: Any])?["endpoint"] as? String == "https://eu.api.openai.test/v1")
        #expect(((json["origins"] as? [String: Any])?["quotas"] as? [String: String])?["concurrent"] == "platform")
        #expect(json["features"] == nil)

        let features = try CLI.run(["config", "set", "features", "{}", "--data", data])
        #expect(features.status != 0 && features.err.contains("providers, quotas"))
        let badEndpoint = try CLI.run(["config", "set", "providers", #"{"openai": {"endpoint": "ftp://x"}}"#, "--data", data])
        #expect(badEndpoint.status != 0 && badEndpoint.err.contains("providers.openai.endpoint"))
        let badQuota = try CLI.run(["config", "set", "quotas", #"{"concurrent": 2.5}"#, "--data", data])
        #expect(badQuota.status != 0, "\(badQuota.err)")
        let notJSON = try CLI.run(["config", "set", "quotas", "[1]", "--data", data])
        #expect(notJSON.status != 0 && notJSON.err.contains("JSON object"))
        let missing = try CLI.run(["config", "show", "--tenant", "nobody", "--data", data])
        #expect(missing.status == 1 && missing.err.contains("nobody"))
    }
}
