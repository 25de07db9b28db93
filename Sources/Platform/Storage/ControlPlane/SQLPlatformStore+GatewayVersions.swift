import Foundation
import SQLKit

extension SQLPlatformStore {
    public func bumpGatewayVersion(_ scope: String) async throws {
        try await StorageError.wrapping("bumping the gateway version of '\(scope)'", in: Self.label) {
            // One statement: atomic under concurrent writers on both backends.
            try await self.database.raw("""
                INSERT INTO gateway_versions (scope, version) VALUES (\(bind: scope), 1)
                ON CONFLICT (scope) DO UPDATE SET version = gateway_versions.version + 1
                """).run()
        }
    }

    public func gatewayVersions() async throws -> [String: Int64] {
        try await StorageError.wrapping("reading gateway versions", in: Self.label) {
            var out: [String: Int64] = [:]
            for row in try await self.database.select().columns("scope", "version").from("gateway_versions").all() {
                out[try row.decode(column: "scope", as: String.self)] = try row.decode(column: "version", as: Int64.self)
            }
            return out
        }
    }
}
