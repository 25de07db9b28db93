import Base
import Crypto

/// The SHA-256 digest of a virtual API key: what the platform stores instead of the key.
///
/// Virtual keys are long random strings, so an unsalted fast hash is the right tool
/// (as for GitHub tokens): it resists guessing and makes lookup one dictionary probe.
public struct KeyDigest: Hashable, Sendable, CustomStringConvertible {
    public let a, b, c, d: UInt64

    public init(of key: String) {
        let digest = SHA256.hash(data: Array(key.utf8))
        var words: [UInt64] = [0, 0, 0, 0]
        for (i, byte) in digest.enumerated() { words[i / 8] = (words[i / 8] << 8) | UInt64(byte) }
        (a, b, c, d) = (words[0], words[1], words[2], words[3])
    }

    /// Lower-case hex, 64 characters.
    public var hex: String {
        [a, b, c, d].map { w in
            let s = String(w, radix: 16)
            return String(repeating: "0", count: 16 - s.count) + s
        }.joined()
    }

    public var description: String { "sha256:" + hex.prefix(12) + "…" }
}

/// A tenant's virtual key as stored: an identifier and the digest.
public struct VirtualKeyRecord: Hashable, Sendable {
    public var id: String
    public var digest: KeyDigest
    public init(id: String, digest: KeyDigest) { self.id = id; self.digest = digest }
    public init(id: String, key: String) { self.id = id; self.digest = KeyDigest(of: key) }
}
