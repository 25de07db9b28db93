import Foundation
import Testing

/// A backend the shared suite runs against: SQLite always, PostgreSQL when
/// `DCODER_TEST_POSTGRES_URL` names a server (for instance `postgres://postgres@127.0.0.1:5432/postgres`).
public enum BackendKind: Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres(adminURL: String)

    /// The environment variable that enables the PostgreSQL runs.
    public static let postgresURLVariable = "DCODER_TEST_POSTGRES_URL"

    /// Every backend available in this environment.
    public static var available: [BackendKind] {
        var kinds: [BackendKind] = [.sqlite]
        if let url = ProcessInfo.processInfo.environment[Self.postgresURLVariable], !url.isEmpty {
            kinds.append(.postgres(adminURL: url))
        }
        return kinds
    }

    public var testDescription: String {
        switch self {
        case .sqlite: "SQLite"
        case .postgres: "PostgreSQL"
        }
    }
}
