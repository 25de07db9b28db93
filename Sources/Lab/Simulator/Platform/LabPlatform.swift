import Mocks
import Crypto
import Flags
import Foundation
import Identity
import Base
import Gateway
import Retrieval
import PlatformAPI
import Storage
import Synchronization

/// The Platform API as the Lab runs it: ``APIService`` on the embedded default (SQLite, one
/// file per tenant, in a scratch folder removed after the run), a mock identity provider in
/// process, virtual time and seeded randomness.
///
/// Its dates are the virtual clock's (``VirtualClock/epochDate`` is time zero), so runs do
/// not depend on the day they are made.
final class LabPlatform {
    static let epoch = VirtualClock.epochDate
    static let issuer = "https://idp.lab.dcoder.test/oidc"
    static let audience = "https://api.lab.dcoder.test"

    let service: APIService
    let flow: PlatformFlow
    let backend: SQLiteBackend
    let platform: SQLPlatformStore
    let directory: URL
    private let time: Locked<Date>
    /// Runs in this process so far, to give each its own scratch folder.
    private static let runs = Mutex(0)

    /// The state of one tenant at the end of a run, as the report shows it.
    struct TenantSnapshot: Sendable {
        var id: String
        var status: String
        var database: String
        var schemaVersion: Int
        var users: Int
    }

    /// The Platform API's flags; the runner copies its book in before each Platform API step
    /// and takes changes back after it.
    let flags = FlagRegistry()

    /// - Parameter knowledge: the knowledge service's settings (a scenario's `rag:` section sets them).
    init(seed: UInt64, streams: RandomStreams,
         knowledge: KnowledgeService.Settings = .init(parser: DocumentParser(pdf: BuiltinPDFExtractor()))) async throws {
        let run = Self.runs.withLock { n in n += 1; return n }
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dcoder-lab-\(ProcessInfo.processInfo.processIdentifier)-\(run)", isDirectory: true)
        try? FileManager.default.removeItem(at: directory)
        backend = SQLiteBackend(dataDirectory: directory)
        do {
            platform = try await SQLPlatformStore.open(backend: backend, now: Self.epoch)
        } catch {
            try? await backend.shutdown()
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        let idp = try MockIdentityProvider(issuer: Self.issuer, keyKind: .es256(seed: Array("lab-idp-\(seed)".utf8)))
        let validator = OIDCTokenValidator(config: OIDCProviderConfig(issuer: Self.issuer, audiences: [Self.audience]), fetcher: idp)
        let secrets = try SecretBox(key: SymmetricKey(data: SHA256.hash(data: Array("lab-platform-key-\(seed)".utf8))), keyID: "lab-1")
        let time = Locked(Self.epoch)
        let random = Locked(streams.stream("platform/random"))
        self.time = time
        service = APIService(backend: backend, platform: platform, validator: validator, enforcer: try APIService.defaultEnforcer(),
                             secrets: secrets, clock: { time.value }, random: { count in
                                 random.withLock { rng in (0..<count).map { _ in UInt8(truncatingIfNeeded: rng.next()) } }
                             }, flags: flags,
                             knowledge: KnowledgeService(settings: knowledge, clock: { time.value }))
        flow = PlatformFlow(caller: service, idp: idp, audience: Self.audience)
    }

    /// Sets the platform's clock to the virtual clock's date.
    func setTime(_ date: Date) -> Date {
        time.withLock { $0 = date }
        return date
    }

    /// Every tenant, its database and the schema version there.
    func snapshot() async -> [TenantSnapshot] {
        var out: [TenantSnapshot] = []
        for tenant in (try? await platform.tenants()) ?? [] {
            var version = 0, users = 0
            if let db = try? await backend.tenantDatabase(at: tenant.databaseLocator) {
                version = (try? await Migrator.tenant.appliedMigrations(in: db).map(\.version).max()) ?? 0
                if let store = try? await SQLTenantStore.open(database: db, tenant: tenant.id) { users = (try? await store.users().count) ?? 0 }
            }
            out.append(TenantSnapshot(id: tenant.id.rawValue, status: tenant.status.rawValue, database: tenant.databaseLocator.rawValue,
                                      schemaVersion: version, users: users))
        }
        return out
    }

    func shutdown() async {
        try? await backend.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }
}
