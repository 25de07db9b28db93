import Foundation

extension Date {
    /// The date as whole microseconds since 1970, the dialect-neutral `BIGINT` every table stores.
    ///
    /// Microseconds match PostgreSQL's timestamp precision and keep comparisons exact in SQL.
    var storageMicroseconds: Int64 {
        Int64((self.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// Reads a date stored by ``storageMicroseconds``.
    init(storageMicroseconds: Int64) {
        self.init(timeIntervalSince1970: Double(storageMicroseconds) / 1_000_000)
    }
}
