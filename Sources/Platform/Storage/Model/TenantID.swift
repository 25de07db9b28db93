/// The identifier of a tenant: a slug of 2 to 40 characters from `a-z`, `0-9` and `-`.
///
/// The slug names the tenant's database (a file name for SQLite, a database name for PostgreSQL),
/// so it is validated here, once, and nothing downstream has to escape it.
///
/// ```swift
/// let id = try TenantID("acme-corp")
/// ```
public struct TenantID: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The validated slug.
    public let rawValue: String

    /// Validates a slug.
    ///
    /// - Parameter rawValue: The candidate slug.
    /// - Throws: ``StorageError/Code-swift.struct/invalidTenantID`` when it is not `[a-z0-9-]{2,40}`.
    public init(_ rawValue: String) throws {
        guard Self.isValid(rawValue) else {
            throw StorageError(
                .invalidTenantID,
                "invalid tenant id \"\(rawValue.prefix(60))\": expected 2 to 40 characters from a-z, 0-9 and -"
            )
        }
        self.rawValue = rawValue
    }

    /// Whether `candidate` is a valid tenant slug.
    public static func isValid(_ candidate: String) -> Bool {
        let bytes = candidate.utf8
        return (2...40).contains(bytes.count) && bytes.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }

    public var description: String { self.rawValue }

    public static func < (lhs: TenantID, rhs: TenantID) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
