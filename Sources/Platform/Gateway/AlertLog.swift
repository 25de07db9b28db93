import Base

/// Alerts raised, each condition once (``Alert/dedupKey``): the live server's alert log
/// and the Lab's run both keep one, so that an alert raised by several replicas, or again
/// by a later call, is delivered once.
public struct AlertLog: Sendable {
    private var keys: Set<String> = []
    /// The alerts kept, oldest first.
    public private(set) var alerts: [Alert] = []
    /// How many alerts are kept (the oldest go first); `nil` keeps all.
    public let capacity: Int?

    public init(capacity: Int? = nil) { self.capacity = capacity }

    /// Records an alert; `false` when the same condition was already raised.
    @discardableResult
    public mutating func add(_ alert: Alert) -> Bool {
        guard keys.insert(alert.dedupKey).inserted else { return false }
        alerts.append(alert)
        if let capacity, alerts.count > capacity { alerts.removeFirst(alerts.count - capacity) }
        return true
    }
}
