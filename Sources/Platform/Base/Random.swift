/// SplitMix64: a tiny, fast generator used to expand one 64-bit seed into many.
///
/// Reference: Steele, Lea and Flood, "Fast splittable pseudorandom number generators"
/// (OOPSLA 2014), and Vigna's public-domain `splitmix64.c`. It is used here only to
/// seed ``Xoshiro256StarStar`` and to derive sub-seeds, as Vigna recommends.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    @inlinable public init(seed: UInt64) { self.state = seed }

    @inlinable public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// xoshiro256**: the platform's seeded pseudo-random generator.
///
/// Reference: Blackman and Vigna, "Scrambled linear pseudorandom number generators"
/// (ACM TOMS 2021), public-domain `xoshiro256starstar.c`. Period 2^256 − 1, passes
/// BigCrush, and is a few nanoseconds per value. The 256-bit state is filled from the
/// seed by ``SplitMix64``, so every 64-bit seed (zero included) gives a valid state.
///
/// Same seed, same sequence, on every platform and in every process: the Lab's
/// reproducibility rests on this type, so its output is pinned by a test against the
/// reference implementation's first values.
public struct Xoshiro256StarStar: RandomNumberGenerator, Sendable {
    @usableFromInline var s0, s1, s2, s3: UInt64

    public init(seed: UInt64) {
        var mix = SplitMix64(seed: seed)
        s0 = mix.next(); s1 = mix.next(); s2 = mix.next(); s3 = mix.next()
    }

    @inlinable public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inlinable func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// A uniform double in [0, 1) with 53 bits of randomness.
    @inlinable public mutating func nextUnit() -> Double {
        Double(next() >> 11) * 0x1.0p-53
    }
}

/// A stable 64-bit hash of a string (FNV-1a), used to name random streams and to
/// pick deterministic content. Unlike `Hasher`, it is the same in every process.
public enum StableHash {
    @inlinable public static func fnv1a64(_ text: String) -> UInt64 { fnv1a64(text.utf8) }

    @inlinable public static func fnv1a64(_ bytes: some Sequence<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// Mixes two 64-bit values into one (SplitMix64's finalizer over their combination).
    @inlinable public static func combine(_ a: UInt64, _ b: UInt64) -> UInt64 {
        var mix = SplitMix64(seed: a ^ (b &* 0x9E37_79B9_7F4A_7C15))
        return mix.next()
    }
}
