import Testing
@testable import Flags

@Suite("Percentage hashing")
struct HashingTests {
    /// Values computed with `flag_engine.utils.hashing.get_hashed_percentage_for_object_ids`
    /// (flagsmith-flag-engine 10.2.0).
    @Test(arguments: [
        (["12", "93"], 27.655531106221243),
        (["a", "b"], 56.72134426885377),
        (["1", "user_1"], 77.26545309061812),
        (["100", "key_user_1"], 63.47269453890778),
        (["segment", "ü-identity"], 35.287057411482294),
        (["14", "106"], 1.160232046409282),
        (["53", "200"], 84.65693138627725),
        (["1", "env_user_1"], 76.54530906181236),
        (["key", "user_1"], 3.750750150030006),
    ])
    func matchesThePythonEngine(ids: [String], expected: Double) {
        #expect(PercentageHash.percentage(for: ids) == expected)
    }

    @Test func isWithinZeroToHundred() {
        for index in 0..<500 {
            let value = PercentageHash.percentage(for: [String(index), "identity_\(index * 7)"])
            #expect(value >= 0 && value < 100)
        }
    }

    /// A digest worth 9998 (modulo 9999) would give exactly 100, so the ids are
    /// hashed again, repeated: as `test_get_hashed_percentage_does_not_return_1`.
    @Test func retriesWithRepeatedIDsInsteadOfReturningHundred() {
        var inputs: [String] = []
        var digests: [[UInt8]] = [[0x27, 0x0E], [0x27, 0x0F]]
        let value = PercentageHash.percentage(for: ["12", "93"]) { bytes in
            inputs.append(String(decoding: bytes, as: UTF8.self))
            return digests.removeFirst()
        }
        #expect(value == 0)
        #expect(inputs == ["12,93", "12,93,12,93"])
    }
}
