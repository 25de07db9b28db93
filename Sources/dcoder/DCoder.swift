import ArgumentParser
import Foundation
import Mocks
import Simulator
import Base
import Gateway

@main
struct DCoder: AsyncParsableCommand {
    static let version = "0.2.0"

    static let configuration = CommandConfiguration(
        commandName: "dcoder",
        abstract: "D.Coder: a multi-tenant AI platform and its deterministic lab.",
        discussion: """
        Run acceptance scenarios in the deterministic lab with 'dcoder lab run Scenarios/acceptance'. \
        Reports (report.html, report.json, junit.xml) are written under Reports/. \
        Run the gateway with 'dcoder serve --config FILE', and mock providers to try it offline with \
        'dcoder mock-providers'.
        """,
        version: version,
        subcommands: [LabCommand.self, ServeCommand.self, MockProvidersCommand.self, MockIdentityProviderCommand.self, MockConnectorsCommand.self, TenantCommand.self, ConfigCommand.self, AuthzCommand.self, FlagsCommand.self, RagCommand.self, ParseCommand.self, BenchCommand.self])
}
