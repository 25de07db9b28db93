/// Makes identifiers for requests, responses and events.
///
/// Identifiers come from a seeded generator, never from `UUID()`, so a Lab run names
/// every response the same way each time. The live driver seeds it from system entropy.
public struct IDGenerator: Sendable {
    private var random: Xoshiro256StarStar

    public init(seed: UInt64) { self.random = Xoshiro256StarStar(seed: seed) }

    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)

    /// A prefixed identifier such as `chatcmpl-9fQ2…` with `length` random characters.
    public mutating func make(prefix: String, length: Int = 24) -> String {
        var bytes = [UInt8](); bytes.reserveCapacity(prefix.utf8.count + length)
        bytes.append(contentsOf: prefix.utf8)
        var bits = random.next()
        var available = 10
        for _ in 0..<length {
            if available == 0 { bits = random.next(); available = 10 }
            bytes.append(Self.alphabet[Int(bits % 62)])
            bits /= 62
            available -= 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
