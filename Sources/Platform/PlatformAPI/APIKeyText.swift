import Crypto

/// The text of a Platform API key: `dcp_<id>_<secret>`, where the id (12 hex digits) names
/// the key's record and the secret is 32 random bytes in hex.
///
/// Only SHA-256 of the whole text is stored. A fast hash is enough here, unlike for
/// passwords: the secret has 256 bits of entropy, so no dictionary or brute-force attack
/// applies to a leaked hash.
struct APIKeyText {
    static let prefix = "dcp_"
    let id: String

    /// Parses key text; nil when it does not have the key's shape.
    init?(parsing text: String) {
        let parts = text.dropFirst(Self.prefix.count).split(separator: "_", omittingEmptySubsequences: false)
        guard text.hasPrefix(Self.prefix), parts.count == 2, parts[0].count == 12, parts[1].count == 64,
              (parts[0] + parts[1]).allSatisfy(\.isHexDigit) else { return nil }
        id = String(parts[0])
    }

    /// A new key from 6 + 32 random bytes: its id and its full text.
    static func make(random: (Int) -> [UInt8]) -> (id: String, text: String) {
        let id = hex(random(6))
        return (id, prefix + id + "_" + hex(random(32)))
    }

    /// Lower-case hex SHA-256 of `text`.
    static func hash(_ text: String) -> String { hex(Array(SHA256.hash(data: Array(text.utf8)))) }

    /// Whether `text` hashes to `expected`, compared in constant time.
    static func hashMatches(_ text: String, hex expected: String) -> Bool {
        let actual = Array(hash(text).utf8), wanted = Array(expected.utf8)
        guard actual.count == wanted.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(actual, wanted) { difference |= a ^ b }
        return difference == 0
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
