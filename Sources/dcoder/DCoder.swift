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
        Try the gateway and the Platform API offline in one command with 'dcoder serve --demo'; \
        run it with 'dcoder serve --config FILE' (check the file first with 'dcoder config check FILE').
        """,
        version: version,
        subcommands: [LabCommand.self, ServeCommand.self, MockProvidersCommand.self, MockIdentityProviderCommand.self, MockConnectorsCommand.self, TenantCommand.self, ConfigCommand.self, AuthzCommand.self, FlagsCommand.self, RagCommand.self, ParseCommand.self, BenchCommand.self])
}
