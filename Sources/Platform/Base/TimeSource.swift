/// The platform's only way to learn the current time.
///
/// Components that decide take `now: Instant` as an argument; the shells that drive
/// them (the Lab's simulator, the live server) read a `TimeSource` once per event and
/// pass the value down. Nothing in Platform reads the system clock except
/// ``SystemTimeSource``, which only the live driver constructs.
public protocol TimeSource: Sendable {
    /// The current instant on this source's time line.
    func now() -> Instant
}
