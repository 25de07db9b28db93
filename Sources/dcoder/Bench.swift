import ArgumentParser
import Foundation
import Retrieval
import Mocks
import Simulator
import Base
import Gateway

struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks (build with -c release for meaningful numbers).",
        subcommands: [LabBench.self, ForwarderCommand.self, RagBench.self])

    struct LabBench: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lab",
            abstract: "Measure the simulator's throughput in simulated gateway requests per wall-clock second.",
            discussion: """
            Runs, in one process: a bare discrete-event loop (the baseline: schedule and pop \
            the same number of events with no platform work), then the workload through the \
            full pipeline (arrivals, GatewayCore admission, mock provider, completion, metrics) \
            with the typed fast path and with full JSON wire encoding. Prints a table and, as \
            the last line, one JSON object.
            """)

        @Option(help: "A scenario file to benchmark instead of the built-in month of 50 tenants.")
        var scenario: String?

        @Option(help: "Days of traffic in the built-in workload.")
        var days: Int = 30

        @Option(help: "Tenants in the built-in workload.")
        var tenants: Int = 50

        @Option(help: "Requests per tenant per day in the built-in workload.")
        var perDay: Double = 8000

        @Option(help: "Days of the built-in workload for the JSON-wire pass (it is slower).")
        var wireDays: Int = 3

        func run() async throws {
            #if DEBUG
            print("warning: this is a debug build; use 'swift run -c release dcoder bench lab' for real numbers")
            #endif
            // Wall time on purpose: a benchmark measures this machine.
            let clock = ContinuousClock()
            var rows: [(name: String, requests: Int, seconds: Double)] = []

            func measure(_ s: Scenario) async throws -> (Int, Double) {
                let runner = try LabRunner(scenario: s)
                let start = clock.now
                _ = try await runner.run()
                let d = start.duration(to: clock.now)
                return (runner.simulatedRequests, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
            }

            let typed: Scenario
            var wireScenario: Scenario
            if let path = scenario {
                typed = try ScenarioLoader.load(path: path)
                wireScenario = typed
                wireScenario.wire = .json
            } else {
                typed = try BenchScenario.make(tenants: tenants, perDay: perDay, days: days, wire: .typed)
                wireScenario = try BenchScenario.make(tenants: tenants, perDay: perDay, days: wireDays, wire: .json)
            }
            let (n, secs) = try await measure(typed)
            // Baseline: the same number of events (two per request) through a bare event loop.
            let events = 2 * n
            var queue = EventQueue<Int32>()
            var rng = Xoshiro256StarStar(seed: 1)
            let bareStart = clock.now
            var now: Int64 = 0
            for _ in 0..<64 { queue.schedule(at: Instant(nanoseconds: Int64(rng.next() % 1_000_000)), 0) }
            var processed = 0
            while processed < events, let (t, _) = queue.pop() {
                now = t.nanoseconds
                processed += 1
                queue.schedule(at: Instant(nanoseconds: now + Int64(rng.next() % 1_000_000)), 0)
            }
            let bd = bareStart.duration(to: clock.now)
            let bareSecs = Double(bd.components.seconds) + Double(bd.components.attoseconds) / 1e18
            rows.append(("bare event loop (baseline), \(processed) events", processed / 2, bareSecs))
            rows.append(("\(typed.name), typed wire", n, secs))
            let (wn, wsecs) = try await measure(wireScenario)
            rows.append(("\(wireScenario.name), json wire", wn, wsecs))

            let baseRate = Double(processed) / bareSecs
            print("workload: \(typed.name) (\(typed.tenants.count) tenants, \(DurationFormat.format(typed.duration)) virtual)")
            print(String(repeating: "-", count: 96))
            print("case".padding(toLength: 56, withPad: " ", startingAt: 0) + "   requests   wall s      req/s   vs bare loop")
            for r in rows {
                let rate = Double(r.requests) / r.seconds
                let ratio = (2 * rate) / baseRate
                print(r.name.padding(toLength: 56, withPad: " ", startingAt: 0)
                      + String(format: " %10d %8.2f %10.0f   %6.3f×", r.requests, r.seconds, rate, ratio))
            }
            print(String(repeating: "-", count: 96))
            print("bare loop: \(String(format: "%.0f", baseRate)) events/s; each simulated request is 2 events (arrival, completion).")
            let json: JSONValue = [
                "simulated_requests": .int(n), "wall_seconds": .double(secs, decimals: 3),
                "simulated_requests_per_second": .int(Int((Double(n) / secs).rounded())),
                "json_wire_requests": .int(wn), "json_wire_wall_seconds": .double(wsecs, decimals: 3),
                "json_wire_requests_per_second": .int(Int((Double(wn) / wsecs).rounded())),
                "bare_loop_events_per_second": .int(Int(baseRate.rounded())),
                "pipeline_vs_bare_loop": .double(2 * Double(n) / secs / baseRate, decimals: 4),
            ]
            print(json.serialized(JSONStyle(sortedKeys: false)))
        }
    }
}

extension BenchCommand {
    struct RagBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rag",
            abstract: "Hybrid retrieval latency over many chunks (one core), against BM25 and dense alone.",
            discussion: """
            Builds an index of synthetic chunks (sentences drawn from a fixed vocabulary, seeded), with \\
            seeded unit vectors of the given dimension, then times single-threaded queries: BM25 alone, \\
            exact dense search alone (the baselines, measured in the same run) and hybrid (both, fused \\
            by RRF). Prints p50 and p95 per query and the hybrid ÷ baseline ratios. Build with -c release.
            """)

        @Option(help: "Chunks in the index.") var chunks = 100_000
        @Option(help: "Vector dimension.") var dimension = 384
        @Option(help: "Queries timed (after 20 of warm-up).") var queries = 200

        func run() throws {
            #if DEBUG
            print("warning: this is a debug build; use 'swift run -c release dcoder bench rag' for real numbers")
            #endif
            var rng = Xoshiro256StarStar(seed: 42)
            let vocabulary = (0..<20_000).map { i -> String in
                let letters = Array("abcdefghijklmnopqrstuvwxyz")
                var w = ""
                var n = i
                repeat { w.append(letters[n % 26]); n /= 26 } while n > 0
                return w + "o"
            }
            func sentence(_ words: Int) -> String {
                // Zipf-like: low word numbers far more frequent, as in real text.
                (0..<words).map { _ in vocabulary[Int(Double(vocabulary.count) * pow(rng.nextUnit(), 3))] }.joined(separator: " ")
            }
            func vector() -> [Float] { (0..<dimension).map { _ in Float(rng.nextUnit() * 2 - 1) } }
            // Wall time on purpose: a benchmark measures this machine.
            let clock = ContinuousClock()
            var searcher = HybridSearcher(dimension: dimension)
            let start = clock.now
            for i in 0..<chunks {
                try searcher.upsert(Chunk(id: "c\(i)", text: sentence(60)), vector: vector())
            }
            print("indexed \(chunks) chunks of 60 words, \(dimension)-d vectors, in \(Self.format(clock.now - start))")
            let questions = (0..<(queries + 20)).map { _ in (sentence(8), vector()) }
            func time(_ body: (String, [Float]) throws -> Void) rethrows -> [Double] {
                var out: [Double] = []
                for (i, q) in questions.enumerated() {
                    let t = clock.now
                    try body(q.0, q.1)
                    if i >= 20 { out.append(Self.milliseconds(clock.now - t)) }
                }
                return out.sorted()
            }
            let keyword = time { text, _ in _ = searcher.keyword.search(text, k: 100) }
            let dense = try time { _, v in _ = try searcher.vectors.search(v, k: 100) }
            let hybrid = try time { text, v in _ = try searcher.search(text: text, vector: v, k: 10) }
            func p(_ xs: [Double], _ q: Double) -> Double { xs[min(xs.count - 1, Int(Double(xs.count) * q))] }
            print("")
            print("query          p50 ms   p95 ms")
            for (name, xs) in [("BM25", keyword), ("dense (exact)", dense), ("hybrid RRF", hybrid)] {
                print(name.padding(toLength: 13, withPad: " ", startingAt: 0) + String(format: "  %7.2f  %7.2f", p(xs, 0.5), p(xs, 0.95)))
            }
            print("")
            print(String(format: "hybrid ÷ (BM25 + dense) at p95: %.2f; hybrid p95 %.2f ms against a target of 20 ms",
                         p(hybrid, 0.95) / (p(keyword, 0.95) + p(dense, 0.95)), p(hybrid, 0.95)))
        }

        static func milliseconds(_ d: Duration) -> Double {
            let (s, atto) = d.components
            return Double(s) * 1000 + Double(atto) / 1e15
        }

        static func format(_ d: Duration) -> String { String(format: "%.1f s", milliseconds(d) / 1000) }
    }
}
