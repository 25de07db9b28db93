/// The verdict on one conformance case.
struct CaseOutcome {
    /// The case's name: its file, plus the identity for legacy files.
    let name: String
    /// Why the case failed, one line per problem; empty when it passed.
    let problems: [String]

    var passed: Bool { problems.isEmpty }

    /// The report entry for a failed case: a `FAIL` line and indented problems.
    var report: String {
        (["FAIL \(name)"] + problems.map { "  " + $0 }).joined(separator: "\n")
    }
}
