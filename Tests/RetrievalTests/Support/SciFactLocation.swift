import Foundation

/// Where the public SciFact data lives: `$SCIFACT_DIR`, or `../shared/corpora/scifact` beside
/// the repository (CI has it; the tests that need it fail without it).
enum SciFactLocation {
    static var directory: URL {
        if let override = ProcessInfo.processInfo.environment["SCIFACT_DIR"], !override.isEmpty {
            return URL(filePath: override, directoryHint: .isDirectory)
        }
        // Tests/RetrievalTests/Support/SciFactLocation.swift → repository root → ../shared/...
        return URL(filePath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appending(path: "shared/corpora/scifact", directoryHint: .isDirectory)
    }

    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: directory.appending(path: "corpus.jsonl").path)
            && FileManager.default.fileExists(atPath: directory.appending(path: "embeddings/vectors.npy").path)
    }
}
