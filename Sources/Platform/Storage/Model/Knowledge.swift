import Foundation

/// A chunk of a tenant's document as the tenant database keeps it, with its vector.
public struct StoredChunk: Hashable, Sendable {
    public var id: String
    public var document: String
    public var index: Int
    public var text: String
    public var section: [String]
    public var start: Int
    public var end: Int
    public var page: Int?
    public var vector: [Float]

    public init(id: String, document: String, index: Int, text: String, section: [String], start: Int, end: Int, page: Int?, vector: [Float]) {
        self.id = id; self.document = document; self.index = index; self.text = text; self.section = section
        self.start = start; self.end = end; self.page = page; self.vector = vector
    }
}

/// A document a tenant submitted for ingestion.
public struct SubmittedDocument: Hashable, Sendable {
    public var name: String
    /// `text`, `markdown`, `html` or `pdf`.
    public var format: String
    public var content: [UInt8]
    public init(name: String, format: String, content: [UInt8]) { self.name = name; self.format = format; self.content = content }
}

/// A tracked ingestion job: queued → running → succeeded, partially failed or failed.
public struct IngestionJob: Hashable, Sendable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case queued, running, succeeded
        case partiallyFailed = "partially_failed"
        case failed
    }

    /// What became of one document.
    public struct Outcome: Hashable, Sendable, Codable {
        public enum Result: String, Sendable, Codable { case indexed, replaced, unchanged, failed }
        public var document: String
        public var result: Result
        public var chunks: Int
        public var error: String?
        public var milliseconds: Int
        public init(document: String, result: Result, chunks: Int, error: String? = nil, milliseconds: Int = 0) {
            self.document = document; self.result = result; self.chunks = chunks; self.error = error; self.milliseconds = milliseconds
        }
    }

    public var id: String
    public var status: Status
    public var submittedAt: Date
    public var startedAt: Date?
    public var finishedAt: Date?
    public var documents: [String]
    public var outcomes: [Outcome]
    /// How many times the job was started (a restart mid-job starts it again).
    public var attempts: Int

    public init(id: String, status: Status, submittedAt: Date, documents: [String], outcomes: [Outcome] = [], attempts: Int = 0,
                startedAt: Date? = nil, finishedAt: Date? = nil) {
        self.id = id; self.status = status; self.submittedAt = submittedAt; self.documents = documents; self.outcomes = outcomes
        self.attempts = attempts; self.startedAt = startedAt; self.finishedAt = finishedAt
    }
}
