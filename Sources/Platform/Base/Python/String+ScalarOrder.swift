extension String {
    /// Orders strings by their Unicode scalar values, as Python orders `str` (Swift's `<`
    /// orders by canonical equivalence instead).
    public static func scalarOrder(_ lhs: String, _ rhs: String) -> Bool {
        lhs.unicodeScalars.lexicographicallyPrecedes(rhs.unicodeScalars)
    }
}
