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
}
