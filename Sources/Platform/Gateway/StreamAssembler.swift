import Base
/// Turns provider-neutral ``StreamPiece``s into the gateway's OpenAI chunks.
///
/// The gateway's chunks carry its own id, timestamp and the alias the client asked for.
/// The first chunk announces the assistant role; the usage chunk (`choices: []`) is sent
/// only when the client asked for `stream_options.include_usage`, but usage is always
/// kept for accounting.
public struct StreamAssembler: Sendable {
    public let id: String
    public let created: Int64
    public let model: String
    public let includeUsage: Bool
    public private(set) var text = ""
    public private(set) var finishReason: String?
    public private(set) var usage: ChatUsage?
    public private(set) var failure: String?
    private var started = false

    public init(id: String, created: Int64, model: String, includeUsage: Bool) {
        self.id = id; self.created = created; self.model = model; self.includeUsage = includeUsage
    }

    private func chunk(_ delta: ChatDelta, finish: String? = nil) -> ChatCompletionChunk {
        ChatCompletionChunk(id: id, created: created, model: model, choices: [ChatChunkChoice(delta: delta, finishReason: finish)])
    }

    /// The chunks to send for these pieces.
    public mutating func add(_ pieces: [StreamPiece]) -> [ChatCompletionChunk] {
        var out: [ChatCompletionChunk] = []
        for piece in pieces {
            if !started, case .text = piece { out.append(chunk(ChatDelta(role: "assistant", content: ""))); started = true }
            if !started, case .toolCall = piece { out.append(chunk(ChatDelta(role: "assistant", content: nil))); started = true }
            switch piece {
            case .text(let t):
                text += t
                out.append(chunk(ChatDelta(content: t)))
            case .toolCall(let call):
                var d = ChatDelta(); d.toolCalls = [call]
                out.append(chunk(d))
            case .finish(let reason):
                if !started { out.append(chunk(ChatDelta(role: "assistant", content: ""))); started = true }
                if finishReason == nil { finishReason = reason; out.append(chunk(ChatDelta(), finish: reason)) }
            case .usage(let u):
                usage = u
            case .failure(let message):
                failure = message
            }
        }
        return out
    }

    /// The closing chunks: a finish chunk if the provider sent none, then usage if asked.
    public mutating func end() -> [ChatCompletionChunk] {
        var out: [ChatCompletionChunk] = []
        if finishReason == nil, failure == nil {
            if !started { out.append(chunk(ChatDelta(role: "assistant", content: ""))); started = true }
            finishReason = "stop"
            out.append(chunk(ChatDelta(), finish: "stop"))
        }
        if includeUsage, let u = usage {
            out.append(ChatCompletionChunk(id: id, created: created, model: model, choices: [], usage: u))
        }
        return out
    }
}
