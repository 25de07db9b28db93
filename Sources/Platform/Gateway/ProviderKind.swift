import Base
/// The LLM providers the gateway routes to.
public enum ProviderKind: String, CaseIterable, Codable, Hashable, Sendable, Comparable {
    case openai, anthropic, gemini, groq

    /// The provider's public API base URL, in the form its official SDK uses.
    public var defaultBaseURL: String {
        switch self {
        case .openai: return "https://api.openai.com/v1"
        case .anthropic: return "https://api.anthropic.com"
        case .gemini: return "https://generativelanguage.googleapis.com"
        case .groq: return "https://api.groq.com/openai/v1"
        }
    }

    /// A display name for reports.
    public var displayName: String {
        switch self {
        case .openai: return "OpenAI"
        case .anthropic: return "Anthropic"
        case .gemini: return "Google Gemini"
        case .groq: return "Groq"
        }
    }

    public static func < (a: ProviderKind, b: ProviderKind) -> Bool { a.rawValue < b.rawValue }
}
