/// A string viewed as an array of Unicode scalars, so that indices, slicing and
/// searching behave like Python's `str` (code points), which the built-in
/// functions of pycasbin rely on.
struct ScalarText: Equatable, Sendable {
    var scalars: [Unicode.Scalar]

    init(_ text: String) { scalars = Array(text.unicodeScalars) }
    init(_ scalars: some Sequence<Unicode.Scalar>) { self.scalars = Array(scalars) }

    var count: Int { scalars.count }
    var string: String { String(String.UnicodeScalarView(scalars)) }

    /// `text[range]` as a new value (Python slicing with in-bounds indices).
    func slice(_ range: Range<Int>) -> ScalarText { ScalarText(scalars[range]) }

    /// Python `str.find`: index of the first occurrence at or after `start`.
    func firstIndex(of needle: ScalarText, from start: Int = 0) -> Int? {
        guard needle.count <= count else { return nil }
        var index = max(start, 0)
        while index + needle.count <= count {
            if scalars[index..<(index + needle.count)].elementsEqual(needle.scalars) { return index }
            index += 1
        }
        return nil
    }

    func firstIndex(of scalar: Unicode.Scalar, from start: Int = 0) -> Int? {
        guard start < count else { return nil }
        return scalars[max(start, 0)...].firstIndex(of: scalar)
    }

    /// Python `str.replace(old, new)` (all non-overlapping occurrences, left to right).
    func replacingAll(_ old: String, with new: String) -> ScalarText {
        let needle = ScalarText(old)
        guard needle.count > 0 else { return self }
        let replacement = ScalarText(new).scalars
        var result: [Unicode.Scalar] = []
        var index = 0
        while let found = firstIndex(of: needle, from: index) {
            result += scalars[index..<found]
            result += replacement
            index = found + needle.count
        }
        result += scalars[index...]
        return ScalarText(result)
    }
}
