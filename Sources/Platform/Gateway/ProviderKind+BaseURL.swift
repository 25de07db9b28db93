import Base

extension ProviderKind {
    /// The provider's public API base URL, in the form its official SDK uses.
    public var defaultBaseURL: String {
        switch self {
        case .openai: return "https://api.openai.com/v1"
        case .anthropic: return "https://api.anthropic.com"
        case .gemini: return "https://generativelanguage.googleapis.com"
        case .groq: return "https://api.groq.com/openai/v1"
        }
    }
}
