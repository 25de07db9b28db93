import Testing
@testable import Base

/// Python's `repr(float)`, which the JSON writer's Python style and the Flagsmith engine use.
@Suite struct PythonReprTests {
    /// `repr(float)` in CPython.
    @Test(arguments: [
        (1e16, "1e+16"), (1e-5, "1e-05"), (0.0001, "0.0001"), (123456789.0, "123456789.0"),
        (9.5e15, "9500000000000000.0"), (1e22, "1e+22"), (-0.0, "-0.0"), (0.1, "0.1"),
        (Double.leastNonzeroMagnitude, "5e-324"), (1.7976931348623157e308, "1.7976931348623157e+308"), (2.5, "2.5"),
        (100.0, "100.0"), (1234567890123456.7, "1234567890123456.8"), (Double.infinity, "inf"),
    ])
    func pythonReprOfFloats(value: Double, expected: String) {
        #expect(value.pythonRepr == expected)
    }
}
