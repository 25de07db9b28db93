/// A calendar month (UTC).
public struct CalendarMonth: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int

    public init(year: Int, month: Int) { self.year = year; self.month = month }

    /// The month of an instant of a driver whose instant zero is `epoch` Unix nanoseconds.
    public init(of t: Instant, epoch: Int64) {
        let n = t.nanoseconds &+ epoch
        var days = n / 86_400_000_000_000
        if n < 0, n % 86_400_000_000_000 != 0 { days -= 1 }
        let (y, m, _) = UTCCalendar.civil(fromDays: days)
        self.init(year: y, month: m)
    }

    /// The month's first instant, for a driver whose instant zero is `epoch` Unix nanoseconds.
    public func start(epoch: Int64) -> Instant {
        Instant(nanoseconds: UTCCalendar.days(fromCivil: year, month, 1) * 86_400_000_000_000 &- epoch)
    }

    public var next: CalendarMonth { month == 12 ? CalendarMonth(year: year + 1, month: 1) : CalendarMonth(year: year, month: month + 1) }

    /// `2026-01`.
    public var description: String { "\(year)-" + (month < 10 ? "0" : "") + "\(month)" }

    public static func < (a: CalendarMonth, b: CalendarMonth) -> Bool { (a.year, a.month) < (b.year, b.month) }
}
