import Synchronization

/// A value behind a `Mutex`, shared by reference.
///
/// `Mutex` is the project's one lock. It is not copyable, so a stored property of a
/// class or a `static let` holds one directly; `Locked` is for the places where the lock
/// itself must be shared — captured by several `@Sendable` closures, or kept in a
/// collection:
///
/// ```swift
/// let time = Locked(start)
/// let service = APIService(…, clock: { time.value }, …)
/// time.withLock { $0 = next }
/// ```
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>

    public init(_ value: Value) { mutex = Mutex(value) }

    /// Runs `body` with the value, holding the lock; what `body` returns is returned.
    public func withLock<Result, E: Error>(_ body: (inout sending Value) throws(E) -> sending Result) throws(E) -> sending Result {
        try mutex.withLock(body)
    }

    /// The value now.
    public var value: Value { mutex.withLock { $0 } }
}
