import Foundation

/// The live driver's clock: wall-clock time as an ``Instant`` (nanoseconds since the
/// Unix epoch). The only place in the project that reads the system clock; platform
/// logic gets its `now` from here through the ``TimeSource`` seam.
public struct SystemTimeSource: TimeSource {
    public init() {}

    public var epoch: Int64 { 0 }

    public func now() -> Instant {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Instant(nanoseconds: Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))
    }
}

/// A seed for identifier generators from the system's entropy (the live driver only;
/// the Lab seeds everything from the scenario).
public func systemSeed() -> UInt64 {
    var g = SystemRandomNumberGenerator()
    return g.next()
}
