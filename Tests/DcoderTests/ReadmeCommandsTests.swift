import Foundation
import Testing

/// The README shows only commands that exist: every `dcoder <command> [<subcommand>]` in its
/// code (fenced blocks and inline code) is listed by `dcoder --help` or `dcoder <command> --help`.
@Suite struct ReadmeCommandsTests {
    /// `dcoder` and the words after it, from each piece of code in the README, up to the first
    /// word that is not a lowercase command name (an option, a path, a placeholder).
    static func commands(inMarkdown text: String) -> [[String]] {
        var code: [String] = []
        var fence: [String]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                if let f = fence { code.append(f.joined(separator: "\n")); fence = nil } else { fence = [] }
            } else if fence != nil {
                fence!.append(String(line))
            } else {
                code += line.matches(of: /`([^`]+)`/).map { String($0.1) }
            }
        }
        var found: [[String]] = []
        for piece in code {
            for match in piece.matches(of: /(?:^|[\s(])dcoder(?=\s|$)((?:[ \t]+[a-z][a-z0-9-]*(?=[ \t]|$)){0,2})/.anchorsMatchLineEndings()) {
                found.append(match.1.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init))
            }
        }
        return found
    }

    /// The subcommands a help text lists (ArgumentParser's `SUBCOMMANDS:` section).
    static func subcommands(inHelp help: String) -> Set<String> {
        guard let start = help.range(of: "SUBCOMMANDS:\n") else { return [] }
        var names = Set<String>()
        // "  name   abstract": a name two spaces in; longer indents continue an abstract.
        for line in help[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("  ") else { break }
            if line.dropFirst(2).first != " ", let name = line.split(separator: " ").first { names.insert(String(name)) }
        }
        return names
    }

    @Test func everyCommandTheReadmeShowsExists() throws {
        let readme = try String(contentsOfFile: CLI.root + "/README.md", encoding: .utf8)
        let shown = Self.commands(inMarkdown: readme)
        #expect(shown.count >= 10, "found only \(shown) in README.md")
        let top = try CLI.run(["--help"])
        let commands = Self.subcommands(inHelp: top.out)
        #expect(commands.contains("serve") && commands.contains("lab"), "\(top.out)")
        var helps: [String: Set<String>] = [:]
        for words in shown {
            guard let command = words.first else { continue }   // `dcoder` alone
            #expect(commands.contains(command), "README shows 'dcoder \(command)', which `dcoder --help` does not list")
            guard commands.contains(command), words.count > 1 else { continue }
            if helps[command] == nil { helps[command] = Self.subcommands(inHelp: try CLI.run([command, "--help"]).out) }
            let subs = helps[command]!
            // A command without subcommands takes the next word as an argument.
            if !subs.isEmpty {
                #expect(subs.contains(words[1]), "README shows 'dcoder \(command) \(words[1])', which `dcoder \(command) --help` does not list")
            }
        }
    }

    /// The extraction itself: commands in fenced blocks and inline code, stopping at options and paths.
    @Test func extractsCommandsFromCode() {
        let text = """
        Run `dcoder serve --demo` or `swift run dcoder lab run Scenarios/x.yaml`.
        ```sh
        dcoder tenant create acme --name "Acme"
        $(dcoder parse FILE)
        echo dcoder-like
        ```
        """
        #expect(Self.commands(inMarkdown: text) == [["serve"], ["lab", "run"], ["tenant", "create"], ["parse"]])
    }
}
