/// The LLM providers the platform routes to: the gateway's adapters, the Platform API's
/// provider configurations (`kind`), scenarios and reports all name them by these values.
public enum ProviderKind: String, CaseIterable, Codable, Hashable, Sendable, Comparable {
    case openai, anthropic, gemini, groq

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
