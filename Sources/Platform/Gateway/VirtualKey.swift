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

    /// A digest from its hex form (``hex``); nil unless 64 hex digits.
    public init?(hex: String) {
        let bytes = Array(hex.utf8)
        guard bytes.count == 64 else { return nil }
        var words: [UInt64] = [0, 0, 0, 0]
        for (i, c) in bytes.enumerated() {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            words[i / 16] = (words[i / 16] << 4) | UInt64(v)
        }
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

/// A tenant's virtual key as the gateway holds it: an identifier, the digest, the model
/// aliases it may call (`nil`: all of the tenant's) and when it expires.
public struct VirtualKeyRecord: Hashable, Sendable {
    public var id: String
    public var digest: KeyDigest
    /// The aliases this key may call; any other gets 403 `model_not_allowed`. `nil`: every alias.
    public var models: Set<String>?
    /// Unix time in nanoseconds from which the key is refused (401); `nil`: never.
    public var expiresAtUnixNanos: Int64?

    public init(id: String, digest: KeyDigest, models: Set<String>? = nil, expiresAtUnixNanos: Int64? = nil) {
        self.id = id; self.digest = digest; self.models = models; self.expiresAtUnixNanos = expiresAtUnixNanos
    }
    public init(id: String, key: String) { self.init(id: id, digest: KeyDigest(of: key)) }
}
