import Foundation
import PostgresKit

extension PostgresClient.Configuration {
    /// Parses a `postgres://` (or `postgresql://`) URL, including `?sslmode=`/`?tlsmode=`, as PostgresKit does.
    ///
    /// Errors show the URL with its password replaced by `***`.
    static func parse(url: String) throws -> PostgresClient.Configuration {
        let connection: PostgresConnection.Configuration
        do {
            connection = try SQLPostgresConfiguration(url: url).coreConfiguration
        } catch {
            // PostgresKit's URLError carries the full URL, password included: report it redacted instead.
            throw StorageError(.invalidConfiguration, "invalid PostgreSQL URL \(Self.redacted(url))")
        }
        let tls: PostgresClient.Configuration.TLS =
            switch (connection.tls.isEnforced, connection.tls.isAllowed, connection.tls.sslContext) {
            case (true, _, let context?): .require(context.configuration)
            case (false, true, let context?): .prefer(context.configuration)
            default: .disable
            }
        if let socket = connection.unixSocketPath {
            return PostgresClient.Configuration(
                unixSocketPath: socket, username: connection.username, password: connection.password, database: connection.database
            )
        }
        guard let host = connection.host else {
            throw StorageError(.invalidConfiguration, "PostgreSQL URL \(Self.redacted(url)) names no host")
        }
        return PostgresClient.Configuration(
            host: host, port: connection.port ?? SQLPostgresConfiguration.ianaPortNumber,
            username: connection.username, password: connection.password, database: connection.database, tls: tls
        )
    }

    /// Returns `url` with any password replaced by `***`.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url) else { return "(unparseable)" }
        if components.password != nil {
            components.password = "***"
        }
        return components.string ?? "(unparseable)"
    }
}
