/// A piece of a document sized for retrieval, with what a citation needs: the document,
/// the chunk's number, its section path and where its text is in the source.
public struct DocumentChunk: Sendable, Hashable {
    public var document: String
    public var index: Int
    public var text: String
    /// The titles above the chunk, outermost first.
    public var section: [String]
    /// Character offsets (Unicode scalars) in the source: from the first element's start to
    /// the last element's end.
    public var start: Int
    public var end: Int
    public var page: Int?

    public init(document: String, index: Int, text: String, section: [String], start: Int, end: Int, page: Int? = nil) {
        self.document = document; self.index = index; self.text = text; self.section = section
        self.start = start; self.end = end; self.page = page
    }

    public var id: String { "\(document)#\(index)" }

    /// What the indexes see: the section path, then the text (titles help both BM25 and
    /// embeddings find a passage that never repeats its heading).
    public var indexText: String { section.isEmpty ? text : section.joined(separator: " > ") + "\n" + text }
}

/// Chunks elements by section: a title starts a new section (its path is the titles above
/// it); within a section, elements are packed into chunks of at most `maxTokens` words,
/// each new chunk repeating the last `overlapTokens` words of the previous one; an element
/// longer than the budget is split at sentence ends (at word boundaries if it must).
public struct Chunker: Sendable {
    public var maxTokens: Int
    public var overlapTokens: Int

    public init(maxTokens: Int = 200, overlapTokens: Int = 30) {
        self.maxTokens = max(16, maxTokens)
        self.overlapTokens = max(0, min(overlapTokens, maxTokens / 2))
    }

    public func chunks(_ elements: [DocumentElement], document: String) -> [DocumentChunk] {
        var out: [DocumentChunk] = []
        var path: [(level: Int, title: String)] = []
        var words: [String] = [], start = 0, end = 0, page: Int?
        var overlap: [String] = []
        func emit() {
            let body = words
            guard body.count > overlap.count || (overlap.isEmpty && !body.isEmpty) else { return }
            out.append(DocumentChunk(document: document, index: out.count, text: body.joined(separator: " "), section: path.map(\.title),
                                     start: start, end: end, page: page))
            overlap = Array(body.suffix(overlapTokens))
            words = overlap
        }
        for e in elements {
            if e.kind == .title {
                emit()
                words = []; overlap = []
                path.removeAll { $0.level >= e.level }
                path.append((e.level, e.text))
                continue
            }
            let pieces = split(e.text)
            for (n, piece) in pieces.enumerated() {
                let w = piece.split(whereSeparator: { $0.isWhitespace }).map(String.init)
                if words.count + w.count > maxTokens, words.count > overlap.count { emit() }
                if words.count + w.count > maxTokens { words = []; overlap = [] }  // no room for the overlap
                if words.count == overlap.count { start = e.start; page = e.page }
                words += w
                end = n == pieces.count - 1 ? e.end : max(end, e.start)
            }
            end = e.end
        }
        emit()
        return out
    }

    /// An element's text in pieces of at most `maxTokens` words, cut at sentence ends.
    func split(_ text: String) -> [String] {
        let words = text.split(whereSeparator: { $0.isWhitespace })
        guard words.count > maxTokens else { return [text] }
        // Pieces leave room for the overlap the next chunk starts with.
        let maxTokens = self.maxTokens - overlapTokens
        var pieces: [String] = [], current: [Substring] = []
        for w in words {
            current.append(w)
            let ends = w.last.map { ".!?".contains($0) } ?? false
            if current.count >= maxTokens || (ends && current.count >= maxTokens * 3 / 4) {
                pieces.append(current.joined(separator: " "))
                current = []
            }
        }
        if !current.isEmpty { pieces.append(current.joined(separator: " ")) }
        return pieces
    }
}
