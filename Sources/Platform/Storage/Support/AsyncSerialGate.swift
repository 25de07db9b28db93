import Synchronization

/// Lets one task at a time through, in arrival order, without blocking a thread while others wait.
///
/// It guards a single SQLite connection, so a transaction's statements are never interleaved
/// with another task's.
public final class AsyncSerialGate: Sendable {
    private struct State {
        var isHeld = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    public init() {}

    /// Waits until the gate is free and takes it. Every call must be paired with ``leave()``.
    public func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let enteredNow = self.state.withLock { state in
                guard state.isHeld else {
                    state.isHeld = true
                    return true
                }
                state.waiters.append(continuation)
                return false
            }
            if enteredNow {
                continuation.resume()
            }
        }
    }

    /// Hands the gate to the next waiter, or frees it.
    public func leave() {
        let next = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard !state.waiters.isEmpty else {
                state.isHeld = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }

    /// Runs `body` while holding the gate.
    public func withGate<Result>(_ body: () async throws -> Result) async throws -> Result {
        await self.enter()
        defer { self.leave() }
        return try await body()
    }
}
