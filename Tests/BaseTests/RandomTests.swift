import Testing
@testable import Base

@Suite struct RandomTests {
    /// SplitMix64 matches Vigna's reference output for seed 0.
    @Test func splitMixMatchesReference() {
        var g = SplitMix64(seed: 0)
        #expect([g.next(), g.next(), g.next()] == [16294208416658607535, 7960286522194355700, 487617019471545679])
    }

    /// xoshiro256** seeded through SplitMix64 matches an independent implementation of the reference C code.
    static let reference: [(UInt64, [UInt64])] = [
        (0, [11091344671253066420, 13793997310169335082, 1900383378846508768]),
        (42, [1546998764402558742, 6990951692964543102, 12544586762248559009]),
    ]

    @Test func xoshiroMatchesReference() {
        for (seed, expected) in Self.reference {
            var g = Xoshiro256StarStar(seed: seed)
            #expect([g.next(), g.next(), g.next()] == expected)
        }
    }

    @Test func unitDoublesStayInHalfOpenRange() {
        var g = Xoshiro256StarStar(seed: 9)
        for _ in 0..<10_000 {
            let u = g.nextUnit()
            #expect(u >= 0 && u < 1)
        }
    }

    @Test func idsAreDeterministicAndPrefixed() {
        var a = IDGenerator(seed: 3), b = IDGenerator(seed: 3)
        let x = a.make(prefix: "chatcmpl-"), y = b.make(prefix: "chatcmpl-")
        #expect(x == y)
        #expect(x.hasPrefix("chatcmpl-") && x.count == 9 + 24)
        #expect(a.make(prefix: "p") != x)
    }

    @Test func stableHashIsFNV1a() {
        #expect(StableHash.fnv1a64("") == 0xCBF2_9CE4_8422_2325)
        #expect(StableHash.fnv1a64("a") == 0xAF63_DC4C_8601_EC8C)
    }
}

@Suite struct DurationFormatTests {
    @Test(arguments: [("250ms", Int64(250_000_000)), ("1.5s", 1_500_000_000), ("30m", 1_800_000_000_000),
                      ("2h", 7_200_000_000_000), ("1h30m", 5_400_000_000_000), ("7d", 604_800_000_000_000), ("850us", 850_000)])
    func parses(text: String, nanos: Int64) {
        #expect(DurationFormat.parse(text) == Nanoseconds(nanos))
    }

    @Test(arguments: ["", "12", "fast", "1.5", "-3s", "3 parsecs"])
    func rejects(text: String) {
        #expect(DurationFormat.parse(text) == nil)
    }

    @Test func printsShortForms() {
        #expect(DurationFormat.format(.milliseconds(250)) == "250ms")
        #expect(DurationFormat.format(.milliseconds(1500)) == "1.5s")
        #expect(DurationFormat.format(.seconds(5400)) == "1h30m")
    }
}
