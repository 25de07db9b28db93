import Base
import Crypto
import Foundation
import SQLKit
import Storage
import TestSupport
import Testing

extension StorageBackendTests {
    /// Users are unique by id and subject; roles must exist to be assigned; deleting a user drops their roles.
    @Test(arguments: BackendKind.available)
    func managesUsersAndRoles(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let provisioner = try await fixture.provisioner()
            let id = try TenantID("acme")
            try await provisioner.createTenant(id: id, name: "Acme", now: StorageFixture.t0)
            let store = try await provisioner.openTenantStore(id, now: StorageFixture.t0)
            let ann = User(id: "u-1", subject: "oidc|ann", email: "ann@example.com", name: "Ann", createdAt: StorageFixture.t0)

            try await store.createUser(ann)
            #expect(try await store.user(id: "u-1") == ann)
            #expect(try await store.user(subject: "oidc|ann") == ann)
            let duplicate = await #expect(throws: StorageError.self) {
                try await store.createUser(User(id: "u-2", subject: "oidc|ann", email: nil, name: nil, createdAt: StorageFixture.t0))
            }
            #expect(duplicate?.code == .conflict)

            try await store.assignRole("admin", to: "u-1")
            try await store.assignRole("viewer", to: "u-1")
            try await store.assignRole("admin", to: "u-1")
            #expect(try await store.roleNames(of: "u-1") == ["admin", "viewer"])
            let unknownRole = await #expect(throws: StorageError.self) {
                try await store.assignRole("emperor", to: "u-1")
            }
            #expect(unknownRole?.code == .notFound)
            let unknownUser = await #expect(throws: StorageError.self) {
                try await store.assignRole("admin", to: "u-404")
            }
            #expect(unknownUser?.code == .notFound)

            try await store.revokeRole("viewer", from: "u-1")
            #expect(try await store.roleNames(of: "u-1") == ["admin"])
            try await store.deleteUser(id: "u-1")
            #expect(try await store.users().isEmpty)
            #expect(try await store.roleNames(of: "u-1").isEmpty)
        }
    }

    /// Provider API keys are stored sealed and open again with the platform key; updates keep the creation time.
    @Test(arguments: BackendKind.available)
    func storesProviderKeysSealed(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let provisioner = try await fixture.provisioner()
            let id = try TenantID("acme")
            try await provisioner.createTenant(id: id, name: "Acme", now: StorageFixture.t0)
            let store = try await provisioner.openTenantStore(id, now: StorageFixture.t0)
            let box = try SecretBox(key: SymmetricKey(size: .bits256), keyID: "platform-1")
            let apiKey = "sk-test-0123456789abcdef"

            try await store.saveProvider(id: "openai", kind: "openai", endpoint: "https://api.openai.com/v1", apiKey: try box.seal(Secret(apiKey)), now: StorageFixture.t0)
            let updated = try await store.saveProvider(
                id: "openai", kind: "openai", endpoint: "https://proxy.internal/v1",
                apiKey: try box.seal(Secret(apiKey + "-rotated")), now: StorageFixture.t0 + 60
            )

            #expect(updated.createdAt == StorageFixture.t0)
            let stored = try #require(try await store.provider(id: "openai"))
            #expect(stored == updated)
            #expect(stored.endpoint == "https://proxy.internal/v1")
            #expect(try box.open(stored.apiKey).reveal() == apiKey + "-rotated")
            #expect(stored.apiKey.keyID == "platform-1")

            let database = try await fixture.backend.tenantDatabase(at: fixture.backend.tenantDatabaseLocator(for: id))
            let raw = try #require(try await database.select().column("api_key").from("provider_configurations").first(decodingColumn: "api_key", as: Data.self))
            #expect(raw.range(of: Data(apiKey.utf8)) == nil)

            try await store.deleteProvider(id: "openai")
            #expect(try await store.providers().isEmpty)
        }
    }

    /// Quotas are JSON values by name; nil removes one.
    @Test(arguments: BackendKind.available)
    func storesQuotas(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let provisioner = try await fixture.provisioner()
            let id = try TenantID("acme")
            try await provisioner.createTenant(id: id, name: "Acme", now: StorageFixture.t0)
            let store = try await provisioner.openTenantStore(id, now: StorageFixture.t0)

            try await store.setQuota("tokens", to: JSONText(encoding: ["perDay": 1_000_000]), now: StorageFixture.t0)
            try await store.setQuota("tokens", to: JSONText(encoding: ["perDay": 2_000_000]), now: StorageFixture.t0 + 1)
            try await store.setQuota("requests", to: JSONText(validating: #"{"perMinute": 60}"#), now: StorageFixture.t0)

            #expect(try await store.quota("tokens")?.decode([String: Int].self) == ["perDay": 2_000_000])
            #expect(try await store.quotas().keys.sorted() == ["requests", "tokens"])
            try await store.setQuota("tokens", to: nil, now: StorageFixture.t0 + 2)
            #expect(try await store.quota("tokens") == nil)
        }
    }

    /// Tenant settings (overrides of the platform configuration) are JSON values by key; nil removes one.
    @Test(arguments: BackendKind.available)
    func storesTenantSettings(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let provisioner = try await fixture.provisioner()
            let id = try TenantID("acme")
            try await provisioner.createTenant(id: id, name: "Acme", now: StorageFixture.t0)
            let store = try await provisioner.openTenantStore(id, now: StorageFixture.t0)

            try await store.setSetting("features", to: JSONText(validating: #"{"beta": true}"#), now: StorageFixture.t0)
            try await store.setSetting("features", to: JSONText(validating: #"{"beta": false}"#), now: StorageFixture.t0 + 1)
            try await store.setSetting("integrations", to: JSONText(validating: #"{"slack": {"enabled": false}}"#), now: StorageFixture.t0)
            #expect(try await store.settings().mapValues(\.rawValue) == [
                "features": #"{"beta": false}"#, "integrations": #"{"slack": {"enabled": false}}"#,
            ])
            try await store.setSetting("features", to: nil, now: StorageFixture.t0 + 2)
            #expect(try await store.settings().keys.sorted() == ["integrations"])
        }
    }

    /// The usage ledger: idempotent by request id, summed per window with breakdowns.
    @Test(arguments: BackendKind.available)
    func keepsTheUsageLedger(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let provisioner = try await fixture.provisioner()
            let id = try TenantID("acme")
            try await provisioner.createTenant(id: id, name: "Acme", now: StorageFixture.t0)
            let store = try await provisioner.openTenantStore(id, now: StorageFixture.t0)
            func entry(_ n: Int, model: String = "chat", key: String? = "acme-key-1", status: Int = 200, at: Double = 10) -> UsageEntry {
                UsageEntry(requestID: "chatcmpl-\(n)", at: StorageFixture.t0 + at, keyID: key, model: model, provider: "openai",
                           upstreamModel: "gpt-4o-mini", stream: n % 2 == 0, status: status, errorKind: status == 200 ? nil : "rate_limited",
                           promptTokens: status == 200 ? 10 : 0, completionTokens: status == 200 ? 5 : 0,
                           costMicros: status == 200 ? 1_234 : 0, latencyMicros: 800, usageSource: status == 200 ? "reported" : "none")
            }
            let batch = [entry(1), entry(2, model: "embed"), entry(3, key: "acme-key-2"), entry(4, status: 429), entry(5, at: 7200)]
            #expect(try await store.recordUsage(batch) == 5)
            #expect(try await store.recordUsage(batch + [entry(6)]) == 1)  // a replay adds only what is new
            let summary = try await store.usageSummary(from: StorageFixture.t0, to: StorageFixture.t0 + 3600)
            #expect(summary.totals == UsageTotals(calls: 5, errors: 1, promptTokens: 40, completionTokens: 20, costMicros: 4_936))
            #expect(summary.byModel["embed"]?.calls == 1 && summary.byModel["chat"]?.calls == 4)
            #expect(summary.byKey["acme-key-2"]?.costMicros == 1_234)
            #expect(summary.byStatus == [200: 4, 429: 1])
            #expect(try await store.recordedUsageIDs(among: ["chatcmpl-1", "chatcmpl-9", "chatcmpl-5"]) == ["chatcmpl-1", "chatcmpl-5"])
            let empty = try await store.usageSummary(from: StorageFixture.t0 + 9000, to: StorageFixture.t0 + 9999)
            #expect(empty.totals == UsageTotals())
            // Rows carry the replica that wrote them; reconciliation reads a replica's share.
            var fromB = entry(7)
            fromB.replica = "gateway-b"
            #expect(try await store.recordUsage([fromB]) == 1)
            let split = try await store.usageTotals(from: StorageFixture.t0, to: StorageFixture.t0 + 3600, replica: "gateway-b")
            #expect(split.all == UsageTotals(calls: 6, errors: 1, promptTokens: 50, completionTokens: 25, costMicros: 6_170))
            #expect(split.replica == UsageTotals(calls: 1, errors: 0, promptTokens: 10, completionTokens: 5, costMicros: 1_234))
            let none = try await store.usageTotals(from: StorageFixture.t0, to: StorageFixture.t0 + 3600, replica: "gateway-z")
            #expect(none.replica == UsageTotals() && none.all.calls == 6)
        }
    }

    /// Jobs with their documents, and documents' chunks with float vectors, round-trip.
    @Test(arguments: BackendKind.available)
    func keepsDocumentsChunksAndJobs(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            let provisioner = try await fixture.provisioner()
            let id = try TenantID("acme")
            try await provisioner.createTenant(id: id, name: "Acme", now: StorageFixture.t0)
            let store = try await provisioner.openTenantStore(id, now: StorageFixture.t0)
            let docs = [SubmittedDocument(name: "a.md", format: "markdown", content: Array("# A\n\ntext".utf8)),
                        SubmittedDocument(name: "b.pdf", format: "pdf", content: [0x25, 0x50, 0x00, 0xff])]
            var job = IngestionJob(id: "job_1", status: .queued, submittedAt: StorageFixture.t0, documents: docs.map(\.name))
            try await store.createJob(job, documents: docs)
            #expect(try await store.jobDocuments("job_1") == docs)
            job.status = .partiallyFailed
            job.outcomes = [.init(document: "a.md", result: .indexed, chunks: 1), .init(document: "b.pdf", result: .failed, chunks: 0, error: "bad")]
            try await store.updateJob(job)
            #expect(try await store.job(id: "job_1") == job)
            #expect(try await store.jobs(in: [.queued, .running]).isEmpty)
            let chunk = StoredChunk(id: "a.md#0", document: "a.md", index: 0, text: "text", section: ["A"], start: 5, end: 9, page: nil,
                                    vector: [0.25, -1.5, .pi, 0])
            try await store.replaceDocument("a.md", format: "markdown", sha256: "h1", chunks: [chunk], now: StorageFixture.t0)
            try await store.replaceDocument("a.md", format: "markdown", sha256: "h2", chunks: [chunk, StoredChunk(
                id: "a.md#1", document: "a.md", index: 1, text: "more", section: [], start: 9, end: 13, page: 2, vector: [1, 2, 3, 4])],
                now: StorageFixture.t0 + 1)
            #expect(try await store.documentHash("a.md") == "h2")
            let stored = try await store.storedChunks()
            #expect(stored.map(\.id) == ["a.md#0", "a.md#1"] && stored[0] == chunk && stored[1].page == 2)
            #expect(try await store.documents().map(\.chunks) == [2])
        }
    }
}

