import Base
/// A provider-neutral token estimate: one token per four bytes of UTF-8, at least one.
///
/// Used only when a provider reports no usage for a successful call, and by the Lab's
/// mock providers as their "tokenizer". It is close to OpenAI's rule of thumb for English
/// (about 4 characters a token); it is not any provider's real tokenizer.
public enum TokenEstimate {
    @inlinable public static func tokens(_ text: String) -> Int {
        max(1, (text.utf8.count + 3) / 4)
    }

    /// Prompt tokens of a conversation: each message's text plus 4 tokens of framing,
    /// plus 3 for the reply's priming (OpenAI's published accounting for chat formats).
    public static func promptTokens(_ messages: [ChatMessage]) -> Int {
        var n = 3
        for m in messages { n += 4 + (m.content.map { tokens($0.text) } ?? 0) }
        return n
    }
}
