import Base
import Gateway

/// Simulated time: starts at zero and moves only when the simulator processes an event.
///
/// A `TimeSource`, so platform components that read time through the seam read virtual
/// time in the Lab. Time never moves backwards.
public final class VirtualClock: TimeSource, @unchecked Sendable {
    // Only the simulator's single thread touches `current`; `@unchecked` is honest here
    // because a Lab run is one thread processing one event at a time.
    public private(set) var current: Instant = .zero

    public init() {}

    public func now() -> Instant { current }

    /// Moves time forward to `instant`.
    public func advance(to instant: Instant) {
        precondition(instant >= current, "virtual time can only move forward (\(current) → \(instant))")
        current = instant
    }
}
