import Foundation

/// A point in platform time: nanoseconds since an epoch chosen by the driver.
///
/// The Lab's epoch is the start of the simulated run (time zero); the live driver's
/// epoch is the Unix epoch. Platform code never asks which: it only compares instants
/// and measures the distance between them, so the same code runs under both drivers.
///
/// Time is a plain 64-bit count rather than `Duration` (which is 128-bit) because the
/// simulator moves millions of instants a second through its event queue.
public struct Instant: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// Nanoseconds since the driver's epoch.
    public var nanoseconds: Int64

    @inlinable public init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// The driver's epoch.
    public static let zero = Instant(nanoseconds: 0)

    @inlinable public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanoseconds < rhs.nanoseconds }

    @inlinable public static func + (lhs: Instant, rhs: Nanoseconds) -> Instant {
        Instant(nanoseconds: lhs.nanoseconds &+ rhs.value)
    }

    @inlinable public static func - (lhs: Instant, rhs: Instant) -> Nanoseconds {
        Nanoseconds(lhs.nanoseconds &- rhs.nanoseconds)
    }

    /// Whole seconds since the epoch (what OpenAI's `created` field carries).
    public var unixSeconds: Int64 { nanoseconds / 1_000_000_000 }

    public var description: String { Nanoseconds(nanoseconds).description }
}

/// A span of platform time in nanoseconds.
///
/// Convertible to and from Swift's `Duration` at the edges; used inside the platform
/// because 64-bit arithmetic keeps the simulator's hot path cheap.
public struct Nanoseconds: Comparable, Hashable, Sendable, CustomStringConvertible {
    public var value: Int64

    @inlinable public init(_ value: Int64) { self.value = value }

    public static let zero = Nanoseconds(0)
    @inlinable public static func microseconds(_ n: Int64) -> Nanoseconds { Nanoseconds(n * 1_000) }
    @inlinable public static func milliseconds(_ n: Int64) -> Nanoseconds { Nanoseconds(n * 1_000_000) }
    @inlinable public static func seconds(_ n: Int64) -> Nanoseconds { Nanoseconds(n * 1_000_000_000) }
    @inlinable public static func fromSeconds(_ s: Double) -> Nanoseconds { Nanoseconds(Int64((s * 1e9).rounded())) }

    @inlinable public init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.value = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    public var duration: Duration { .nanoseconds(value) }
    public var seconds: Double { Double(value) / 1e9 }
    public var milliseconds: Double { Double(value) / 1e6 }

    @inlinable public static func < (lhs: Nanoseconds, rhs: Nanoseconds) -> Bool { lhs.value < rhs.value }
    @inlinable public static func + (lhs: Nanoseconds, rhs: Nanoseconds) -> Nanoseconds { Nanoseconds(lhs.value &+ rhs.value) }
    @inlinable public static func - (lhs: Nanoseconds, rhs: Nanoseconds) -> Nanoseconds { Nanoseconds(lhs.value &- rhs.value) }
    @inlinable public static func * (lhs: Nanoseconds, rhs: Int64) -> Nanoseconds { Nanoseconds(lhs.value &* rhs) }

    /// A short human form: `250ms`, `1.5s`, `2h5m`.
    public var description: String { DurationFormat.format(self) }
}

/// Parses and prints durations the way scenario files and reports write them.
public enum DurationFormat {
    private static let units: [(suffix: String, nanos: Int64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000), ("s", 1_000_000_000),
        ("m", 60_000_000_000), ("min", 60_000_000_000), ("h", 3_600_000_000_000), ("d", 86_400_000_000_000),
    ]

    /// Parses `250ms`, `1.5s`, `30m`, `2h`, `7d`, or a compound like `1h30m`.
    /// A bare number is rejected: durations always carry a unit in D.Coder files.
    public static func parse(_ text: String) -> Nanoseconds? {
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard !rest.isEmpty else { return nil }
        var total: Double = 0
        while !rest.isEmpty {
            let numberEnd = rest.firstIndex(where: { !($0.isNumber || $0 == ".") }) ?? rest.endIndex
            guard numberEnd != rest.startIndex, let number = Double(rest[rest.startIndex..<numberEnd]) else { return nil }
            rest = rest[numberEnd...]
            let unitEnd = rest.firstIndex(where: { $0.isNumber || $0 == "." }) ?? rest.endIndex
            let unit = String(rest[rest.startIndex..<unitEnd])
            guard let scale = units.first(where: { $0.suffix == unit })?.nanos else { return nil }
            total += number * Double(scale)
            rest = rest[unitEnd...]
        }
        guard total.isFinite, total >= 0, total < 9.2e18 else { return nil }
        return Nanoseconds(Int64(total.rounded()))
    }

    /// Prints the shortest faithful form: `0s`, `850us`, `250ms`, `1.5s`, `2m30s`, `2h`.
    public static func format(_ d: Nanoseconds) -> String {
        let v = d.value
        if v == 0 { return "0s" }
        if v < 0 { return "-" + format(Nanoseconds(-v)) }
        if v < 1_000 { return "\(v)ns" }
        if v < 1_000_000 { return trim(Double(v) / 1e3) + "us" }
        if v < 1_000_000_000 { return trim(Double(v) / 1e6) + "ms" }
        if v < 60_000_000_000 { return trim(Double(v) / 1e9) + "s" }
        var seconds = v / 1_000_000_000
        var out = ""
        let days = seconds / 86_400; seconds %= 86_400
        let hours = seconds / 3_600; seconds %= 3_600
        let minutes = seconds / 60; seconds %= 60
        if days > 0 { out += "\(days)d" }
        if hours > 0 { out += "\(hours)h" }
        if minutes > 0 { out += "\(minutes)m" }
        if seconds > 0 { out += "\(seconds)s" }
        return out
    }

    private static func trim(_ x: Double) -> String {
        let rounded = (x * 1000).rounded() / 1000
        if rounded == rounded.rounded() { return String(Int64(rounded)) }
        var s = String(rounded)
        while s.hasSuffix("0") { s.removeLast() }
        return s
    }
}
