import Base
import Foundation

/// Simulated time: starts at zero and moves only when the simulator processes an event.
///
/// A `TimeSource`, so platform components that read time through the seam read virtual
/// time in the Lab. Time never moves backwards. Instant zero is ``epochDate``
/// (2026-01-01T00:00:00Z) wherever a calendar date is needed (budget months, the Platform
/// API's records, tokens' lifetimes), so runs do not depend on the day they are made.
public final class VirtualClock: TimeSource, @unchecked Sendable {  // confined to the simulator's loop (see below)
    // `current` moves only on the simulator's loop, one event at a time, and is read only
    // there or by code the loop is awaiting (the Platform API, the plugin host).
    public private(set) var current: Instant = .zero

    /// The calendar date of instant zero.
    public static let epochDate = Date(timeIntervalSince1970: 1_767_225_600)

    public var epoch: Int64 { 1_767_225_600_000_000_000 }

    public init() {}

    public func now() -> Instant { current }

    /// Moves time forward to `instant`.
    public func advance(to instant: Instant) {
        precondition(instant >= current, "virtual time can only move forward (\(current) → \(instant))")
        current = instant
    }
}
