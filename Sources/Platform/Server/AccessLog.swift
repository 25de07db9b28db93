import Foundation
import ServiceLifecycle
import Synchronization
import Base
import Gateway

/// One JSON line per gateway call on standard error: what an operator greps and a log
/// shipper ingests. Never contains a key (virtual or provider), only the key's id.
///
/// Written by hand rather than through swift-log's stream handler, whose per-call
/// metadata dictionary, sorting and `strftime` cost the gateway about 29 µs of CPU per
/// call (measured with `Scripts/bench-gateway`); alerts and server events still go
/// through swift-log.
public struct AccessLog: Sendable {
    public var enabled: Bool
    let sink: @Sendable ([UInt8]) -> Void

    public init(enabled: Bool, sink: @escaping @Sendable ([UInt8]) -> Void = AccessLog.standardError) {
        self.enabled = enabled
        self.sink = sink
    }

    /// Writes each line at once to standard error (file descriptor 2).
    public static let standardError: @Sendable ([UInt8]) -> Void = { bytes in writeAll(2, bytes) }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }

    public func record(_ u: UsageRecord, at now: Instant) {
        guard enabled else { return }
        var out = Line()
        out.raw("{\"ts\":\""); out.raw(Self.iso8601(now)); out.raw("\",\"event\":\"call\",\"request_id\":"); out.string(u.requestID)
        out.raw(",\"tenant\":"); out.string(u.tenant)
        out.raw(",\"key_id\":"); out.string(u.keyID)
        out.raw(",\"model\":"); out.string(u.modelAlias)
        out.raw(",\"provider\":"); out.string(u.provider?.rawValue)
        out.raw(",\"upstream_model\":"); out.string(u.upstreamModel)
        out.raw(u.stream ? ",\"stream\":true" : ",\"stream\":false")
        out.raw(",\"status\":"); out.int(Int64(u.status))
        out.raw(",\"error\":"); out.string(u.errorKind?.rawValue)
        out.raw(",\"prompt_tokens\":"); out.int(Int64(u.promptTokens))
        out.raw(",\"completion_tokens\":"); out.int(Int64(u.completionTokens))
        out.raw(",\"cost_micros\":"); out.int(u.costMicros)
        out.raw(",\"usage_source\":\""); out.raw(u.usageSource.rawValue)
        out.raw("\",\"latency_ms\":"); out.raw(Self.millis(u.latency))
        out.raw(",\"ttft_ms\":"); out.raw(u.timeToFirstToken.map(Self.millis) ?? "null")
        out.raw("}\n")
        sink(out.bytes)
    }

    /// One line per Platform API call: method, path (without the query), status, caller and time.
    public func recordAPI(method: String, path: String, status: Int, actor: String?, latency: Nanoseconds, at now: Instant) {
        guard enabled else { return }
        var out = Line()
        out.raw("{\"ts\":\""); out.raw(Self.iso8601(now)); out.raw("\",\"event\":\"api\",\"method\":"); out.string(method)
        out.raw(",\"path\":"); out.string(path)
        out.raw(",\"status\":"); out.int(Int64(status))
        out.raw(",\"actor\":"); out.string(actor)
        out.raw(",\"latency_ms\":"); out.raw(Self.millis(latency))
        out.raw("}\n")
        sink(out.bytes)
    }

    /// A line under construction, as bytes.
    struct Line {
        var bytes: [UInt8] = { var b: [UInt8] = []; b.reserveCapacity(512); return b }()
        mutating func raw(_ s: String) { bytes.append(contentsOf: s.utf8) }
        mutating func string(_ s: String?) {
            if let s { JSONWriter.appendQuoted(s, to: &bytes) } else { raw("null") }
        }
        mutating func int(_ v: Int64) { raw(String(v)) }
    }

    static func millis(_ d: Nanoseconds) -> String {
        let us = d.value / 1000
        let frac = String(us % 1000)
        return String(us / 1000) + "." + String(repeating: "0", count: 3 - frac.count) + frac
    }

    /// `2026-11-26T23:52:15.123Z` from nanoseconds since the Unix epoch (UTC, no
    /// calendar or locale lookups).
    static func iso8601(_ t: Instant) -> String {
        let ms = t.nanoseconds / 1_000_000
        var days = ms / 86_400_000
        var rem = ms % 86_400_000
        if rem < 0 { rem += 86_400_000; days -= 1 }
        let (y, m, d) = UTCCalendar.civil(fromDays: days)
        func pad(_ v: Int64, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
        return "\(pad(Int64(y), 4))-\(pad(Int64(m), 2))-\(pad(Int64(d), 2))T\(pad(rem / 3_600_000, 2)):\(pad(rem / 60_000 % 60, 2)):\(pad(rem / 1000 % 60, 2)).\(pad(rem % 1000, 3))Z"
    }
}

/// Collects access-log lines and writes them in batches: when 32 KiB have gathered, and
/// at least every 200 ms (``run()``, a service), and at shutdown. A crash can lose the
/// last 200 ms of log lines, never a usage record (those are accounted separately).
public final class BatchedLineWriter: Sendable {
    let fd: Int32
    let pending = Mutex<[UInt8]>([])
    static let threshold = 32 * 1024

    public init(fd: Int32 = 2) { self.fd = fd }

    public func append(_ line: [UInt8]) {
        let full: [UInt8]? = pending.withLock { buffer in
            buffer.append(contentsOf: line)
            guard buffer.count >= Self.threshold else { return nil }
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        if let full { AccessLog.writeAll(fd, full) }
    }

    public func flush() {
        let all = pending.withLock { buffer -> [UInt8] in
            defer { buffer.removeAll(keepingCapacity: true) }
            return buffer
        }
        if !all.isEmpty { AccessLog.writeAll(fd, all) }
    }
}

/// Flushes a ``BatchedLineWriter`` every 200 ms until shutdown, then once more.
public struct LineWriterService: Service {
    let writer: BatchedLineWriter
    public init(_ writer: BatchedLineWriter) { self.writer = writer }

    public func run() async throws {
        while !Task.isCancelled, !Task.isShuttingDownGracefully {
            try? await Task.sleep(for: .milliseconds(200))
            writer.flush()
        }
        writer.flush()
    }
}
