import Synchronization

/// The live flag book, shared by everything that reads flags in one process (the gateway's
/// alert routing, the Flagsmith read API, the Platform API), so that a change is effective
/// for all of them at once, without a restart.
///
/// Writers change the book through ``update(_:)``; observers registered with ``observe(_:)``
/// are called after each change (the plugin host re-applies tenants' flags there).
public final class FlagRegistry: Sendable {
    private struct State {
        var book: FlagBook
        var observers: [@Sendable (FlagBook) async -> Void] = []
    }
    private let state: Mutex<State>

    public init(_ book: FlagBook = FlagBook()) { state = Mutex(State(book: book)) }

    /// The book as it is now.
    public var book: FlagBook { state.withLock { $0.book } }

    /// Changes the book, then tells the observers.
    public func update<E: Error>(_ change: (inout FlagBook) throws(E) -> Void) async throws(E) {
        let observers = try state.withLock { (state: inout sending State) throws(E) -> [@Sendable (FlagBook) async -> Void] in
            var book = state.book
            try change(&book)
            state.book = book
            return state.observers
        }
        // The latest book, not this change's: a later change may have landed meanwhile.
        for o in observers { await o(self.book) }
    }

    /// Calls `observer` after every change.
    public func observe(_ observer: @escaping @Sendable (FlagBook) async -> Void) {
        state.withLock { $0.observers.append(observer) }
    }
}
