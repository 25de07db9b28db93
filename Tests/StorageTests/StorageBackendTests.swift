import Foundation
import Storage
import TestSupport
import Testing

/// The shared conformance suite: every test runs once per available backend (SQLite always,
/// PostgreSQL when `DCODER_TEST_POSTGRES_URL` is set). Tests live in extensions, one file per area.
///
/// Serialized so the PostgreSQL runs stay well inside the server's connection limit.
@Suite(.serialized)
struct StorageBackendTests {
    /// A backend refuses work once it has been shut down.
    @Test(arguments: BackendKind.available)
    func backendRefusesWorkAfterShutdown(kind: BackendKind) async throws {
        try await StorageFixture.with(kind) { fixture in
            _ = try await fixture.platform()
            try await fixture.backend.shutdown()
            let error = await #expect(throws: StorageError.self) {
                _ = try await fixture.backend.controlPlaneDatabase()
            }
            #expect(error?.code == .backendShutDown)
        }
    }
}
