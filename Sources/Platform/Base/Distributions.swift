import Foundation

/// Samples used by arrival processes and latency models. All take the generator
/// explicitly, so each consumer draws from its own named stream.
public enum Sampling {
    /// Exponential with the given rate (events per second); returns seconds.
    @inlinable public static func exponential(rate: Double, _ rng: inout Xoshiro256StarStar) -> Double {
        // 1 - u is in (0, 1], so the log is finite.
        -log(1.0 - rng.nextUnit()) / rate
    }

    /// Standard normal by the Box–Muller transform (one of the pair is used: simpler,
    /// and keeps every draw a fixed number of generator steps).
    @inlinable public static func standardNormal(_ rng: inout Xoshiro256StarStar) -> Double {
        let u1 = 1.0 - rng.nextUnit()
        let u2 = rng.nextUnit()
        return (-2.0 * log(u1)).squareRoot() * cos(2.0 * Double.pi * u2)
    }
}

/// A latency model: how long something takes.
public enum LatencyDistribution: Hashable, Sendable, CustomStringConvertible {
    case constant(Nanoseconds)
    case uniform(min: Nanoseconds, max: Nanoseconds)
    /// Normal, truncated at zero.
    case normal(mean: Nanoseconds, stddev: Nanoseconds)
    /// Log-normal given by its median and 95th percentile: μ = ln p50,
    /// σ = (ln p95 − ln p50) / 1.6449 (the 95% quantile of the standard normal).
    case lognormal(p50: Nanoseconds, p95: Nanoseconds)

    public func sample(_ rng: inout Xoshiro256StarStar) -> Nanoseconds {
        switch self {
        case .constant(let d): return d
        case .uniform(let lo, let hi):
            return Nanoseconds(lo.value + Int64(Double(hi.value - lo.value) * rng.nextUnit()))
        case .normal(let mean, let sd):
            let x = Double(mean.value) + Double(sd.value) * Sampling.standardNormal(&rng)
            return Nanoseconds(max(0, Int64(x)))
        case .lognormal(let p50, let p95):
            let mu = log(Double(max(p50.value, 1)))
            let sigma = max(0, (log(Double(max(p95.value, 1))) - mu) / 1.6448536269514722)
            let x = exp(mu + sigma * Sampling.standardNormal(&rng))
            return Nanoseconds(Int64(min(x, 9.0e18)))
        }
    }

    /// The distribution's median, for reports.
    public var median: Nanoseconds {
        switch self {
        case .constant(let d): return d
        case .uniform(let lo, let hi): return Nanoseconds((lo.value + hi.value) / 2)
        case .normal(let mean, _): return mean
        case .lognormal(let p50, _): return p50
        }
    }

    public var description: String {
        switch self {
        case .constant(let d): return "constant \(d)"
        case .uniform(let a, let b): return "uniform \(a)–\(b)"
        case .normal(let m, let s): return "normal mean \(m) sd \(s)"
        case .lognormal(let a, let b): return "lognormal p50 \(a) p95 \(b)"
        }
    }
}
