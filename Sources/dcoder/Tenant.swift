import ArgumentParser
import Base
import Foundation
import PlatformAPI
import Storage

struct TenantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenant",
        abstract: "Create, list, suspend and resume tenants (each with its own database).",
        subcommands: [Create.self, List.self, Suspend.self, Resume.self])

    /// Where the platform keeps its data: SQLite files under a folder (the default), or
    /// PostgreSQL (one database per tenant) when a URL is given.
    struct StoreOptions: ParsableArguments {
        @Option(help: "Data folder for the embedded SQLite databases.")
        var data = ".dcoder"

        @Option(help: "PostgreSQL URL of the platform database (tenants get databases of their own); overrides --data.")
        var databaseURL: String?

        func withProvisioner<T>(_ body: (TenantProvisioner, any PlatformStore) async throws -> T) async throws -> T {
            let backend: any StorageBackend
            if let url = databaseURL {
                backend = try PostgresBackend(url: url)
            } else {
                try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
                backend = SQLiteBackend(dataDirectory: URL(filePath: data, directoryHint: .isDirectory))
            }
            do {
                let platform = try await SQLPlatformStore.open(backend: backend, now: SystemTimeSource().currentDate())
                let result = try await body(TenantProvisioner(backend: backend, platform: platform), platform)
                try await backend.shutdown()
                return result
            } catch {
                try? await backend.shutdown()
                throw error
            }
        }
    }

    static func tenantID(_ text: String) throws -> TenantID {
        do { return try TenantID(text) } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    static func show(_ t: Tenant) -> String {
        "\(t.id)\t\(t.status.rawValue)\t\(t.displayName)\t\(t.databaseLocator)" + (t.failureReason.map { "\t\($0)" } ?? "")
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Provision a tenant: record it, create and migrate its database, seed its roles.",
            discussion: """
            Idempotent: an active tenant is left as it is, and a tenant whose provisioning stopped \\
            part-way is resumed. Prints the tenant (id, status, name, database).
            """)

        @Argument(help: "The tenant id: 2–40 of a-z, 0-9 and '-'.")
        var id: String

        @Option(help: "Display name (default: the id).")
        var name: String?

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let tenant = try TenantCommand.tenantID(id)
            do {
                let created = try await store.withProvisioner { provisioner, platform in
                    let t = try await provisioner.createTenant(id: tenant, name: name ?? id, now: SystemTimeSource().currentDate(), actor: "cli")
                    try await platform.bumpGatewayVersion(GatewayScope.tenants)  // running gateways load it at their next poll
                    return t
                }
                print(TenantCommand.show(created))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the tenants (id, status, name, database).")

        @OptionGroup var store: StoreOptions

        func run() async throws {
            let tenants = try await store.withProvisioner { _, platform in try await platform.tenants() }
            for t in tenants.sorted(by: { $0.id.rawValue < $1.id.rawValue }) { print(TenantCommand.show(t)) }
        }
    }

    struct Suspend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Suspend an active tenant.")
        @Argument(help: "The tenant id.") var id: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let tenant = try TenantCommand.tenantID(id)
            do {
                print(TenantCommand.show(try await store.withProvisioner { p, platform in
                    let t = try await p.setStatus(.suspended, for: tenant, now: SystemTimeSource().currentDate(), actor: "cli")
                    try await platform.bumpGatewayVersion(GatewayScope.tenant(tenant.rawValue))  // running gateways refuse it at their next poll
                    return t
                }))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Resume a suspended tenant.")
        @Argument(help: "The tenant id.") var id: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let tenant = try TenantCommand.tenantID(id)
            do {
                print(TenantCommand.show(try await store.withProvisioner { p, platform in
                    let t = try await p.setStatus(.active, for: tenant, now: SystemTimeSource().currentDate(), actor: "cli")
                    try await platform.bumpGatewayVersion(GatewayScope.tenant(tenant.rawValue))
                    return t
                }))
            } catch {
                FileHandle.standardError.write(Data("error: \(error)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
