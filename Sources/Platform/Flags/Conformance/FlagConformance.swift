import Base
import Foundation

/// Runs Flagsmith's engine test data against ``FlagEngine``.
public enum FlagConformance {
    /// Runs the case file at `path`, or every `.json` and `.jsonc` file (in name
    /// order) in the folder at `path`.
    ///
    /// A case file holds `{"context": ..., "result": ...}` and passes when the
    /// engine's result equals `result` as JSON: object members in any order,
    /// the `segments` list in order (as the reference test's `==` compares
    /// lists). A legacy v1 file (`{"environment": ..., "identities_and_responses":
    /// [...]}`) is mapped with ``EnvironmentDocument`` and yields one case per
    /// identity, passing when every flag's `enabled` and value match the
    /// recorded API response. Full-line `//` comments are ignored.
    ///
    /// - Returns: the number of passed and failed cases, and one report entry
    ///   per failed case (a `FAIL <name>` line followed by indented problems).
    ///   Unreadable or malformed files count as failed cases.
    public static func run(path: String) -> (passed: Int, failed: Int, report: [String]) {
        let outcomes = caseFiles(at: path).flatMap { file in
            CaseFile.outcomes(ofFileAt: file.path, named: file.name)
        }
        let failures = outcomes.filter { !$0.passed }
        return (outcomes.count - failures.count, failures.count, failures.map(\.report))
    }

    /// The files to run: the file itself, or the folder's case files. A
    /// missing path or empty folder is returned as itself so that it fails.
    private static func caseFiles(at path: String) -> [(path: String, name: String)] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
              let entries = try? FileManager.default.contentsOfDirectory(atPath: path)
        else { return [(path, path)] }
        let folder = URL(fileURLWithPath: path, isDirectory: true)
        let files = entries
            .filter { $0.hasSuffix(".json") || $0.hasSuffix(".jsonc") }
            .sorted(by: String.scalarOrder)
            .map { (folder.appendingPathComponent($0).path, $0) }
        return files.isEmpty ? [(path, path)] : files
    }
}
