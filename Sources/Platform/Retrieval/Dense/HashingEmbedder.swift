
/// Deterministic text embeddings for the mock providers (OpenAI `/v1/embeddings`).
///
/// The hashing trick: each lower-cased word (letters and digits) adds ±1 to one of
/// `dimensions` components, chosen and signed by its FNV-1a hash; the vector is then
/// L2-normalised. Texts that share words get a positive cosine, the same text always
/// gets the same vector, and nothing depends on a model. It is a stand-in for wire and
/// pipeline tests, not a semantic model: retrieval quality is measured with recorded
/// embeddings (embedding cassettes), not with these.
public enum HashingEmbedder {
    public static func embed(_ text: String, dimensions: Int) -> [Float] {
        var v = [Float](repeating: 0, count: max(1, dimensions))
        var word: [UInt8] = []
        func flush() {
            guard !word.isEmpty else { return }
            let h = fnv1a64(word)
            v[Int(h % UInt64(v.count))] += (h >> 63) == 0 ? 1 : -1
            word.removeAll(keepingCapacity: true)
        }
        for b in text.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): word.append(b | 0x20)
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"), 0x80...: word.append(b)
            default: flush()
            }
        }
        flush()
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }

    /// 64-bit FNV-1a (stable across runs and platforms, unlike `Hasher`).
    static func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01b3 }
        return h
    }
}
