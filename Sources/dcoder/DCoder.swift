import ArgumentParser
import Foundation
import Lab
import Platform

@main
struct DCoder: ParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "dcoder",
        abstract: "D.Coder: a multi-tenant AI platform and its deterministic lab.",
        discussion: """
        Run acceptance scenarios in the deterministic lab with 'dcoder lab run Scenarios/acceptance'. \
        Reports (report.html, report.json, junit.xml) are written under Reports/.
        """,
        version: version,
        subcommands: [LabCommand.self, BenchCommand.self])
}
