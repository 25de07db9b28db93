import Foundation

/// One tenant's database: users, role assignments, provider configurations and quotas.
///
/// A store is bound to one tenant; opening it checks that the database names that tenant, so one
/// tenant's store never reads another tenant's rows.
public protocol TenantStore: Sendable {
    /// The tenant whose database this is.
    var tenantID: TenantID { get }

    // MARK: Users

    /// Records a new user.
    ///
    /// - Throws: ``StorageError`` with code `conflict` when the id or the subject is taken.
    func createUser(_ user: User) async throws

    /// Returns the user with `id`, or nil.
    func user(id: String) async throws -> User?

    /// Returns the user with OIDC subject `subject`, or nil.
    func user(subject: String) async throws -> User?

    /// Returns every user, ordered by id.
    func users() async throws -> [User]

    /// Deletes a user and their role assignments; does nothing if there is no such user.
    func deleteUser(id: String) async throws

    // MARK: Roles

    /// Returns the tenant's roles, ordered by name.
    func roles() async throws -> [Role]

    /// Gives `userID` the role `role`; does nothing if it is already assigned.
    ///
    /// - Throws: ``StorageError`` with code `notFound` when the user or the role does not exist.
    func assignRole(_ role: String, to userID: String) async throws

    /// Takes the role `role` from `userID`; does nothing if it was not assigned.
    func revokeRole(_ role: String, from userID: String) async throws

    /// Returns the names of the roles assigned to `userID`, ordered by name.
    func roleNames(of userID: String) async throws -> [String]

    // MARK: Provider configurations

    /// Creates or replaces a provider configuration, keeping its original creation time.
    ///
    /// - Returns: The configuration as stored.
    @discardableResult
    func saveProvider(id: String, kind: String, endpoint: String, apiKey: SealedSecret, now: Date) async throws -> ProviderConfiguration

    /// Returns the provider configuration with `id`, or nil.
    func provider(id: String) async throws -> ProviderConfiguration?

    /// Returns every provider configuration, ordered by id.
    func providers() async throws -> [ProviderConfiguration]

    /// Deletes a provider configuration; does nothing if there is none.
    func deleteProvider(id: String) async throws

    // MARK: Quotas

    /// Returns the quota `name`, or nil when it is not set.
    func quota(_ name: String) async throws -> JSONText?

    /// Returns every quota.
    func quotas() async throws -> [String: JSONText]

    /// Sets (or, with nil, removes) the quota `name`.
    func setQuota(_ name: String, to value: JSONText?, now: Date) async throws

    // MARK: Settings (tenant overrides of the platform configuration)

    /// Returns every tenant setting.
    func settings() async throws -> [String: JSONText]

    /// Sets (or, with nil, removes) the tenant setting `key`.
    func setSetting(_ key: String, to value: JSONText?, now: Date) async throws

    // MARK: Usage ledger

    /// Records usage entries in one transaction; entries whose request id is already recorded
    /// are skipped, so replaying a batch is harmless.
    ///
    /// - Returns: How many entries were new.
    @discardableResult
    func recordUsage(_ entries: [UsageEntry]) async throws -> Int

    /// Totals and breakdowns of the entries that started in `[from, to)`.
    func usageSummary(from: Date, to: Date) async throws -> UsageSummary

    /// Totals of the entries that started in `[from, to)`: all of them, and those `replica` wrote.
    func usageTotals(from: Date, to: Date, replica: String) async throws -> (all: UsageTotals, replica: UsageTotals)

    /// Which of `requestIDs` the ledger has.
    func recordedUsageIDs(among requestIDs: [String]) async throws -> Set<String>

    // MARK: Knowledge

    /// Records a job and the documents it was given, in one transaction.
    func createJob(_ job: IngestionJob, documents: [SubmittedDocument]) async throws

    /// Saves a job's status and outcomes.
    func updateJob(_ job: IngestionJob) async throws

    func job(id: String) async throws -> IngestionJob?

    /// Jobs in the given states, oldest first.
    func jobs(in states: Set<IngestionJob.Status>) async throws -> [IngestionJob]

    /// The documents a job was given, in order.
    func jobDocuments(_ jobID: String) async throws -> [SubmittedDocument]

    /// The SHA-256 of a stored document's bytes, or nil.
    func documentHash(_ name: String) async throws -> String?

    /// Replaces a document's chunks (and records its hash) in one transaction.
    func replaceDocument(_ name: String, format: String, sha256: String, chunks: [StoredChunk], now: Date) async throws

    /// Every stored chunk, by document and position (to rebuild the indexes at start-up).
    func storedChunks() async throws -> [StoredChunk]

    /// Stored documents: name, format, chunk count, last update.
    func documents() async throws -> [(name: String, format: String, chunks: Int, updatedAt: Date)]

    /// The `k` chunks nearest to `vector` by cosine, searched in the database (pgvector's
    /// HNSW index on PostgreSQL), best first with their cosine similarity; nil when the
    /// backend has no vector search (SQLite: search in memory).
    func nearestChunks(to vector: [Float], k: Int) async throws -> [(id: String, score: Double)]?

    // MARK: Gateway routing

    /// Records a new virtual key.
    ///
    /// - Throws: ``StorageError`` with code `conflict` when its id or digest is taken.
    func insertVirtualKey(_ key: StoredVirtualKey) async throws

    /// Every virtual key, revoked ones included, oldest first.
    func virtualKeys() async throws -> [StoredVirtualKey]

    /// Revokes a key; revoking twice keeps the first time.
    ///
    /// - Returns: The key after the call, or nil when there is none with `id`.
    func revokeVirtualKey(id: String, now: Date) async throws -> StoredVirtualKey?

    /// When each key was last used: its latest call in the usage ledger.
    func virtualKeysLastUsed() async throws -> [String: Date]

    /// Creates or replaces a model alias.
    func saveAlias(_ alias: StoredModelAlias) async throws

    /// Every model alias, by name.
    func aliases() async throws -> [StoredModelAlias]

    /// Deletes an alias; does nothing if there is none.
    func deleteAlias(_ name: String) async throws
}
