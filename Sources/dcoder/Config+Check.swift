import ArgumentParser
import Config
import Foundation

extension ConfigCommand {
    /// `dcoder config check FILE…`: reads serve files as `dcoder serve --config` does.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check serve files (dcoder serve --config FILE) without starting anything.",
            discussion: """
            Reads each file as 'dcoder serve --config' does (every section, unknown keys included, \
            and ${VAR} references from the environment) and prints 'FILE: ok', or the first problem \
            as 'file:line:column: message' on standard error. It does not connect to anything: \
            databases, Redis and the identity provider are checked when the server starts.

            Exit status: 0 when every file is valid, 2 when one is not (as 'dcoder serve' exits \
            for a configuration it cannot use).
            """)

        @Argument(help: "Serve files (YAML).", completion: .file(extensions: ["yaml", "yml"]))
        var files: [String]

        @Flag(help: "Count every ${VAR} reference as set, to check a file whose secrets this environment lacks.")
        var withoutEnvironment = false

        func run() throws {
            var valid = true
            for file in files {
                do {
                    _ = try ServeConfig.load(path: file, environment: try environment(for: file))
                    print("\(file): ok")
                } catch let e as ConfigFileError {
                    FileHandle.standardError.write(Data("\(e)\n".utf8))
                    valid = false
                } catch {
                    FileHandle.standardError.write(Data("\(file): \(error)\n".utf8))
                    valid = false
                }
            }
            if !valid { throw ExitCode(2) }
        }

        /// The process's environment, or (with --without-environment) a placeholder for every
        /// `${NAME}` the file mentions.
        func environment(for file: String) throws -> [String: String] {
            guard withoutEnvironment else { return ProcessInfo.processInfo.environment }
            let text = try ConfigReader.readText(file, from: nil)
            var names: [String: String] = [:]
            var rest = Substring(text)
            while let open = rest.range(of: "${"), let close = rest[open.upperBound...].firstIndex(of: "}") {
                let name = String(rest[open.upperBound..<close])
                names[name] = "placeholder-for-\(name)-0123456789"
                rest = rest[rest.index(after: close)...]
            }
            return names
        }
    }
}
