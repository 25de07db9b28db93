import ArgumentParser
import Base
import Foundation
import PlatformAPI
import Storage

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show a tenant's effective configuration; set platform and tenant sections; check serve files.",
        subcommands: [Show.self, Set.self, Check.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a tenant's effective configuration as JSON, secrets redacted.",
            discussion: """
            Platform-level settings merged with the tenant's overrides by the one merge rule of \\
            Docs/configuration.md (the same answer as GET /api/v1/tenants/{id}/config/effective); \\
            "origins" tells where each key came from.
            """)

        @Option(help: "The tenant.")
        var tenant: String

        @OptionGroup var store: TenantCommand.StoreOptions

        func run() async throws {
            let id = try TenantCommand.tenantID(tenant)
            do {
                let text = try await store.withProvisioner { provisioner, platform in
                    let tenantStore = try await provisioner.openTenantStore(id, now: SystemTimeSource().currentDate())
                    return ConfigurationModel.prettyText(try await ConfigurationModel.effective(platform: platform, tenant: tenantStore))
                }
                print(text)
            } catch let e as ProvisioningError {
                FileHandle.standardError.write(Data("error: \(e.message)\n".utf8))
                throw ExitCode(1)
            }
        }
    }

    struct Set: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a platform-level configuration section (providers or quotas).",
            discussion: """
            Platform level: providers (the endpoint per provider kind that provider configurations \
            without one use) or quotas (every tenant's defaults), audited as 'cli'. A tenant's own \
            providers and quotas have their own API routes. The value is a JSON object; 'null' \
            removes the section.
            """)

        @Argument(help: "The section: providers or quotas.")
        var section: String

        @Argument(help: "The section's value: a JSON object, or null to remove it.")
        var json: String


        @OptionGroup var store: TenantCommand.StoreOptions

        func run() async throws {
            guard ConfigurationModel.sections.contains(section) else {
                throw ValidationError("'\(section)' is not a section; use one of \(ConfigurationModel.sections.joined(separator: ", ")) (features are flags: dcoder flags)")
            }
            let value: JSONText?
            if json.trimmingCharacters(in: .whitespaces) == "null" {
                value = nil
            } else {
                guard let text = try? JSONText(validating: json), json.trimmingCharacters(in: .whitespaces).hasPrefix("{") else {
                    throw ValidationError("the value must be a JSON object (or null)")
                }
                // The checks the Platform API makes (ConfigurationModel.problem).
                if let parsed = try? JSONValue.parse(json), let problem = ConfigurationModel.problem(section: section, parsed) {
                    throw ValidationError(problem)
                }
                value = text
            }
            do {
                try await store.withProvisioner { _, platform in
                    try await platform.setSetting(section, to: value, actor: "cli", now: SystemTimeSource().currentDate())
                    // Running gateways reload every tenant at their next poll.
                    try await platform.bumpGatewayVersion(GatewayScope.all)
                }
            } catch let e as ProvisioningError {
                FileHandle.standardError.write(Data("error: \(e.message)\n".utf8))
                throw ExitCode(1)
            }
        }
    }
}
