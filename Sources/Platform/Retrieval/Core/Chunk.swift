/// A unit of retrievable text — a whole document or a chunk of one — with string metadata.
///
/// The `id` is the chunk's identity in every index: adding a chunk whose `id` is already
/// present replaces the old one. Metadata is what ``MetadataFilter`` matches against.
///
/// ```swift
/// let chunk = Chunk(id: "doc-7#2", text: "Aspirin reduces fever.", metadata: ["lang": "en", "source": "pubmed"])
/// ```
public struct Chunk: Sendable, Hashable, Identifiable {
    /// The identity of the chunk, unique within an index.
    public var id: String
    /// The text that is analysed for keyword search.
    public var text: String
    /// String fields for filtering, such as a source, a tenant or a language.
    public var metadata: [String: String]

    /// Creates a chunk.
    public init(id: String, text: String, metadata: [String: String] = [:]) {
        self.id = id
        self.text = text
        self.metadata = metadata
    }
}
