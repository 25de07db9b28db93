import Foundation

/// The platform's only way to learn the current time.
///
/// Components that decide take `now: Instant` as an argument; the shells that drive
/// them (the Lab's simulator, the live server) read a `TimeSource` once per event and
/// pass the value down. Nothing in Platform reads the system clock except
/// ``SystemTimeSource``, which only the live driver constructs; components that keep
/// dates (the Platform API's records, tokens' lifetimes) get them from a source's
/// ``date(of:)``, so the Lab's dates are virtual too.
public protocol TimeSource: Sendable {
    /// The current instant on this source's time line.
    func now() -> Instant
    /// Unix time, in nanoseconds, of this time line's instant zero: 0 live (instants are
    /// Unix time), the start of the simulated calendar in the Lab.
    var epoch: Int64 { get }
}

extension TimeSource {
    /// The calendar date of an instant.
    public func date(of t: Instant) -> Date { Date(timeIntervalSince1970: Double(t.nanoseconds &+ epoch) / 1e9) }

    /// The instant of a calendar date (to the microsecond).
    public func instant(of d: Date) -> Instant {
        Instant(nanoseconds: Int64((d.timeIntervalSince1970 * 1e6).rounded()) * 1_000 &- epoch)
    }

    /// The current date: ``now()`` as a `Date`.
    public func currentDate() -> Date { date(of: now()) }
}
