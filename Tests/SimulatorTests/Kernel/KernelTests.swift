import Testing
@testable import Mocks
@testable import Simulator
import Base
import Gateway

@Suite struct EventQueueTests {
    /// Events pop in time order; events at the same instant pop in scheduling order.
    @Test func ordersByTimeThenSequence() {
        var q = EventQueue<String>()
        q.schedule(at: Instant(nanoseconds: 30), "c")
        q.schedule(at: Instant(nanoseconds: 10), "a1")
        q.schedule(at: Instant(nanoseconds: 20), "b")
        q.schedule(at: Instant(nanoseconds: 10), "a2")
        q.schedule(at: Instant(nanoseconds: 10), "a3")
        var out: [String] = []
        while let (_, p) = q.pop() { out.append(p) }
        #expect(out == ["a1", "a2", "a3", "b", "c"])
    }

    @Test func matchesASortedReferenceOnRandomInput() {
        var rng = Xoshiro256StarStar(seed: 11)
        var q = EventQueue<Int>()
        var reference: [(Int64, Int)] = []
        for i in 0..<5_000 {
            let t = Int64(rng.next() % 100)
            q.schedule(at: Instant(nanoseconds: t), i)
            reference.append((t, i))
        }
        reference.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var popped: [(Int64, Int)] = []
        while let (t, p) = q.pop() { popped.append((t.nanoseconds, p)) }
        #expect(popped.map(\.1) == reference.map(\.1))
    }

    @Test func virtualClockOnlyMovesForward() {
        let c = VirtualClock()
        c.advance(to: Instant(nanoseconds: 5))
        #expect(c.now() == Instant(nanoseconds: 5))
    }
}

@Suite struct RandomStreamsTests {
    /// A stream depends only on the seed and its name: other streams do not perturb it.
    @Test func streamsAreIndependentOfOtherConsumers() {
        let s = RandomStreams(seed: 42)
        var a1 = s.stream("traffic/acme")
        let before = (0..<5).map { _ in a1.next() }
        var other = s.stream("provider/openai/timing")
        for _ in 0..<1000 { _ = other.next() }
        var a2 = s.stream("traffic/acme")
        #expect((0..<5).map { _ in a2.next() } == before)
        var b = s.stream("traffic/globex")
        #expect(b.next() != before[0])
        var c = RandomStreams(seed: 43).stream("traffic/acme")
        #expect(c.next() != before[0])
    }
}

@Suite struct DistributionTests {
    func samples(_ d: LatencyDistribution, n: Int = 20_000) -> [Int64] {
        var rng = Xoshiro256StarStar(seed: 5)
        return (0..<n).map { _ in d.sample(&rng).value }.sorted()
    }

    /// Log-normal by p50/p95: the sample quantiles land within 5% of the parameters.
    @Test func lognormalHitsItsQuantiles() {
        let s = samples(.lognormal(p50: .milliseconds(300), p95: .milliseconds(900)))
        let p50 = Double(s[s.count / 2]) / 1e6, p95 = Double(s[s.count * 95 / 100]) / 1e6
        #expect(abs(p50 - 300) / 300 < 0.05)
        #expect(abs(p95 - 900) / 900 < 0.05)
    }

    @Test func uniformAndNormalStayInRange() {
        let u = samples(.uniform(min: .milliseconds(10), max: .milliseconds(20)))
        #expect(u.first! >= 10_000_000 && u.last! <= 20_000_000)
        let n = samples(.normal(mean: .milliseconds(100), stddev: .milliseconds(10)))
        let mean = Double(n.reduce(0, +)) / Double(n.count) / 1e6
        #expect(abs(mean - 100) < 1)
        #expect(samples(.normal(mean: .milliseconds(1), stddev: .seconds(1))).first! >= 0)
    }

    func count(_ p: ArrivalProcess, over seconds: Int64) -> Int {
        var g = ArrivalGenerator(p, start: .zero, rng: Xoshiro256StarStar(seed: 8))
        var n = 0
        while g.next().nanoseconds <= seconds * 1_000_000_000 { n += 1 }
        return n
    }

    /// Poisson at 2/s over a day: 172,800 expected; the count is within 1% (σ ≈ 0.24%).
    @Test func poissonRate() {
        let n = count(.poisson(rate: 2), over: 86_400)
        #expect(abs(Double(n) - 172_800) / 172_800 < 0.01)
    }

    @Test func constantAndBurstCounts() {
        #expect(count(.constant(interval: .seconds(10)), over: 100) == 10)
        // No background: 3 bursts of 50 in 30 minutes (at 10m, 20m, 30m, each spread over 1s).
        #expect(count(.bursts(rate: 0, size: 50, every: .seconds(600), spread: .seconds(1)), over: 1799) == 100)
    }

    /// Diurnal keeps its mean over whole days and peaks at the peak hour.
    @Test func diurnalMeanAndPeak() {
        var g = ArrivalGenerator(.diurnal(mean: 1, peakFactor: 2, peakHour: 14), start: .zero, rng: Xoshiro256StarStar(seed: 3))
        var byHour = Array(repeating: 0, count: 24)
        var total = 0
        while true {
            let t = g.next()
            if t.nanoseconds > 4 * 86_400 * 1_000_000_000 { break }
            byHour[Int(t.nanoseconds / 3_600_000_000_000) % 24] += 1
            total += 1
        }
        #expect(abs(Double(total) - 4 * 86_400) / (4 * 86_400) < 0.02)
        #expect(byHour.firstIndex(of: byHour.max()!)! >= 12 && byHour.firstIndex(of: byHour.max()!)! <= 16)
        #expect(byHour[2] < byHour[14] / 5)
    }
}
