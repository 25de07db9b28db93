import Base
import Gateway

/// The per-tenant and overall figures that every report format shows, computed once.
struct KPIs {
    var requests = 0
    var succeeded = 0
    var failed: Int { requests - succeeded }
    var successRate: Double? { requests > 0 ? Double(succeeded) / Double(requests) : nil }
    var latency: [String: Double] = [:]   // p50, p95, p99, mean, max in seconds
    var ttft: [String: Double] = [:]
    var promptTokens = 0
    var completionTokens = 0
    var costMicros: Int64 = 0
    var errorsByKind: [(String, Int)] = []
    var byProvider: [(String, Int)] = []
    var byModel: [(String, Int)] = []
    var byStatus: [(String, Int)] = []

    init(_ m: RunMetrics, labels: [(key: String, value: String)]) {
        let calls = m.matchingCalls(labels)
        var kinds: [String: Int] = [:], providers: [String: Int] = [:], models: [String: Int] = [:], statuses: [String: Int] = [:]
        for (k, s) in calls {
            requests += s.count
            if k.status == 200 { succeeded += s.count }
            promptTokens += s.promptTokens
            completionTokens += s.completionTokens
            costMicros += s.costMicros
            if k.errorKind >= 0 { kinds[RunMetrics.errorKinds[Int(k.errorKind)].rawValue, default: 0] += s.count }
            providers[m.labelValue(k, "provider")!, default: 0] += s.count
            models[m.labelValue(k, "model")!, default: 0] += s.count
            statuses[String(k.status), default: 0] += s.count
        }
        errorsByKind = kinds.sorted { $0.key < $1.key }
        byProvider = providers.sorted { $0.key < $1.key }
        byModel = models.sorted { $0.key < $1.key }
        byStatus = statuses.sorted { $0.key < $1.key }
        for stat in ["p50", "p95", "p99", "mean", "max"] {
            if let v = m.value(of: "latency.\(stat)", labels: labels) { latency[stat] = v }
        }
        for stat in ["p50", "p95", "p99"] {
            if let v = m.value(of: "ttft.\(stat)", labels: labels) { ttft[stat] = v }
        }
    }
}
