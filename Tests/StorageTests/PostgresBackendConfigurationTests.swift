import Storage
import Testing

/// Configuration checks that need no server: nothing here connects.
@Suite struct PostgresBackendConfigurationTests {
    /// Tenant databases are named `dcoder_tenant_<id>` by default.
    @Test func namesTenantDatabasesWithDefaultPrefix() throws {
        let backend = try PostgresBackend(url: "postgres://dcoder@localhost:5432/dcoder")
        #expect(backend.tenantDatabaseLocator(for: try TenantID("acme-corp")).rawValue == "postgresql:dcoder_tenant_acme-corp")
    }

    /// Errors about a URL never show its password.
    @Test(arguments: ["mysql://dcoder:hunter2@localhost/dcoder", "postgres://dcoder:hunter2@localhost:5432"])
    func redactsPasswordInURLErrors(url: String) {
        let error = #expect(throws: StorageError.self) { try PostgresBackend(url: url) }
        #expect(error?.code == .invalidConfiguration)
        #expect(error?.description.contains("hunter2") == false)
        #expect(error?.description.contains("***") == true)
    }

    /// Prefixes must be safe identifier text short enough for any tenant id.
    @Test(arguments: ["", "Dcoder_", "1dcoder_", "dcoder-tenant-", "\"x", String(repeating: "p", count: 24)])
    func rejectsUnsafePrefixes(prefix: String) {
        let error = #expect(throws: StorageError.self) {
            try PostgresBackend(url: "postgres://dcoder@localhost/dcoder", configuration: .init(tenantDatabasePrefix: prefix))
        }
        #expect(error?.code == .invalidConfiguration)
    }
}
