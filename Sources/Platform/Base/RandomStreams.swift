
/// Independent, named random streams derived from one seed.
///
/// Each consumer (a tenant's arrivals, a provider's latencies, its errors, its content)
/// asks for its own stream by name. A stream's seed is `mix(seed, fnv1a(name))`, so it
/// depends only on the run's seed and its own name: adding a new consumer, or drawing
/// more numbers in one stream, never changes what any other stream produces.
///
/// ```swift
/// let streams = RandomStreams(seed: 42)
/// var arrivals = streams.stream("traffic/acme/arrivals")
/// let gap = arrivals.nextUnit()
/// ```
public struct RandomStreams: Sendable {
    public let seed: UInt64

    public init(seed: UInt64) { self.seed = seed }

    public func stream(_ name: String) -> Xoshiro256StarStar {
        Xoshiro256StarStar(seed: StableHash.combine(seed, StableHash.fnv1a64(name)))
    }
}
