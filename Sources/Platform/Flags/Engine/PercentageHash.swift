import Crypto

/// Flagsmith's deterministic bucketing of identities onto a 0–100 scale.
enum PercentageHash {
    /// A digest function; MD5 in production.
    typealias Digest = ([UInt8]) -> [UInt8]

    /// The percentage in `0..<100` for the ids, as
    /// `get_hashed_percentage_for_object_ids` computes it: the MD5 of the ids
    /// joined by commas, read as a big-endian integer, modulo 9999, scaled by
    /// 100 / 9998. A result of exactly 100 is retried with the ids repeated
    /// once more (`"a,b,a,b"`, then `"a,b,a,b,a,b"`, ...).
    static func percentage(for objectIDs: [String], digest: Digest = md5) -> Double {
        var iterations = 1
        while true {
            let text = repeatElement(objectIDs, count: iterations).joined().joined(separator: ",")
            let remainder = digest(Array(text.utf8)).reduce(0) { ($0 * 256 + Int($1)) % 9999 }
            let value = Double(remainder) / 9998 * 100
            if value != 100 {
                return value
            }
            iterations += 1
        }
    }

    private static func md5(_ bytes: [UInt8]) -> [UInt8] {
        Array(Insecure.MD5.hash(data: bytes))
    }
}
