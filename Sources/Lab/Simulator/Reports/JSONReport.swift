import Base
import Gateway

/// `report.json`: every metric of every scenario, per tenant and overall, with the seed
/// and the scenario's hash. Keys are in a fixed order and numbers in a fixed format.
public enum JSONReport {
    public static func render(_ results: [LabResult], runName: String, version: String) -> String {
        OrderedJSON.object([
            ("tool", .string("dcoder \(version)")),
            ("run", .string(runName)),
            ("passed", .bool(results.allSatisfy(\.passed))),
            ("scenarios", .array(results.map(scenario))),
        ]).rendered()
    }

    static func stats(_ d: [String: Double]) -> OrderedJSON {
        .object(["p50", "p95", "p99", "mean", "max"].compactMap { k in d[k].map { (k, OrderedJSON.number($0)) } })
    }

    static func counts(_ pairs: [(String, Int)]) -> OrderedJSON { .object(pairs.map { ($0.0, .int($0.1)) }) }

    static func kpis(_ k: KPIs) -> OrderedJSON {
        .object([
            ("requests", .int(k.requests)),
            ("succeeded", .int(k.succeeded)),
            ("failed", .int(k.failed)),
            ("success_rate", k.successRate.map(OrderedJSON.number) ?? .null),
            ("latency_seconds", stats(k.latency)),
            ("ttft_seconds", stats(k.ttft)),
            ("tokens", .object([("prompt", .int(k.promptTokens)), ("completion", .int(k.completionTokens))])),
            ("cost_micros", .int(k.costMicros)),
            ("by_status", counts(k.byStatus)),
            ("errors_by_kind", counts(k.errorsByKind)),
            ("by_provider", counts(k.byProvider)),
            ("by_model", counts(k.byModel)),
        ])
    }

    static func scenario(_ r: LabResult) -> OrderedJSON {
        let s = r.scenario, m = r.metrics
        let tenants = m.tenants.sorted()
        return .object([
            ("name", .string(s.name)),
            ("file", .string(s.file)),
            ("seed", .string(String(s.seed))),
            ("scenario_sha256", .string(s.sourceHash)),
            ("duration_seconds", .number(s.duration.seconds)),
            ("wire", .string(s.wire.rawValue)),
            ("passed", .bool(r.passed)),
            ("expectations", .array(r.expectations.map { e in
                .object([
                    ("name", .string(e.expectation.name ?? e.expectation.text)),
                    ("expression", .string(e.expectation.text)),
                    ("line", .int(e.expectation.line)),
                    ("passed", .bool(e.passed)),
                    ("actual", e.actual.map(OrderedJSON.number) ?? .null),
                    ("message", .string(e.message)),
                ])
            })),
            ("checks", .array(r.checks.map { c in
                .object([("name", .string(c.name)), ("passed", .bool(c.passed)), ("summary", .string(c.summary)),
                         ("details", .array(c.details.map(OrderedJSON.string)))])
            })),
            ("totals", kpis(KPIs(m, labels: []))),
            ("tenants", .object(tenants.map { ($0, kpis(KPIs(m, labels: [("tenant", $0)]))) })),
            ("providers", .object(m.providerNames.indices.sorted { m.providerNames[$0] < m.providerNames[$1] }.map { i in
                let rows = m.upstream.filter { $0.key.provider == Int32(i) }
                var byStatus: [String: Int] = [:], byTenant: [String: Int] = [:], billed: [String: Int64] = [:]
                for (k, v) in rows {
                    byStatus[k.status == 0 ? "timeout" : String(k.status), default: 0] += v.count
                    let t = k.tenant >= 0 ? m.tenants[Int(k.tenant)] : "(unknown key)"
                    byTenant[t, default: 0] += v.count
                    billed[t, default: 0] += v.billedMicros
                }
                return (m.providerNames[i], .object([
                    ("kind", .string(m.providerKinds[i].rawValue)),
                    ("calls", .int(rows.reduce(0) { $0 + $1.value.count })),
                    ("hallucinations", .int(rows.reduce(0) { $0 + $1.value.hallucinated })),
                    ("by_status", counts(byStatus.sorted { $0.key < $1.key })),
                    ("calls_by_tenant", counts(byTenant.sorted { $0.key < $1.key })),
                    ("billed_micros_by_tenant", .object(billed.sorted { $0.key < $1.key }.map { ($0.key, .int($0.value)) })),
                ]))
            })),
            ("alerts", .array(m.alerts.map { a in
                .object([("at_seconds", .number(Double(a.at.nanoseconds) / 1e9)), ("kind", .string(a.kind.rawValue)),
                         ("tenant", a.tenant.map(OrderedJSON.string) ?? .null), ("provider", a.provider.map { .string($0.rawValue) } ?? .null),
                         ("message", .string(a.message))])
            })),
            ("rag", m.rag.map(rag) ?? .null),
            ("usage_ledger", usageLedger(m)),
            ("flags_and_plugins", flagsAndPlugins(m)),
            ("platform_api", platformAPI(m)),
            ("steps", .array(r.steps.map { st in
                .object([("at_seconds", .number(Double(st.at.nanoseconds) / 1e9)), ("step", .string(st.description)),
                         ("error", st.error.map(OrderedJSON.string) ?? .null)])
            })),
            ("timeline", .object([
                ("bucket_seconds", .number(m.bucketWidth.seconds)),
                ("tenants", .object(tenants.map { t in
                    let i = m.tenants.firstIndex(of: t)!
                    return (t, .object([
                        ("succeeded", .array(m.timelineOK[i].map(OrderedJSON.int))),
                        ("failed", .array(m.timelineError[i].map(OrderedJSON.int))),
                        ("cost_micros", .array(m.timelineCost[i].map { OrderedJSON.int($0) })),
                    ]))
                })),
            ])),
        ])
    }

    static func rag(_ r: RAGResults) -> OrderedJSON {
        let scores: OrderedJSON = .object([
            ("f1", r.f1.map(OrderedJSON.number) ?? .null), ("exact_match", r.exactMatch.map(OrderedJSON.number) ?? .null),
            ("hit_at_k", r.hitAtK.map(OrderedJSON.number) ?? .null),
            ("citation_precision", r.citationPrecision.map(OrderedJSON.number) ?? .null),
            ("citation_recall", r.citationRecall.map(OrderedJSON.number) ?? .null),
            ("groundedness", r.groundedness.map(OrderedJSON.number) ?? .null),
        ])
        let documents: [OrderedJSON] = r.documents.map { d in
            .object([("name", .string(d.name)), ("chunks", .int(d.chunks)), ("error", d.error.map(OrderedJSON.string) ?? .null)])
        }
        return .object([("documents", .array(documents)), ("scores", scores), ("answers", .array(r.answers.map(ragAnswer)))])
    }

    static func ragAnswer(_ a: RAGAnswer) -> OrderedJSON {
        let citations: [OrderedJSON] = a.citations.map { c in
            .object([("n", .int(c.number)), ("document", .string(c.document)), ("chunk", .string(c.chunk)),
                     ("section", .string(c.section.joined(separator: " > "))), ("start", .int(c.start)), ("end", .int(c.end)),
                     ("page", c.page.map(OrderedJSON.int) ?? .null)])
        }
        return .object([
            ("id", .string(a.id)), ("question", .string(a.question)), ("answer", .string(a.answer)),
            ("citations", .array(citations)), ("retrieved", .array(a.retrieved.map(OrderedJSON.string))),
            ("f1", .number(a.f1)), ("exact_match", .number(a.exactMatch)), ("groundedness", .number(a.groundedness)),
            ("unsupported", .array(a.unsupported.map(OrderedJSON.string))),
            ("citation_precision", .number(a.citationPrecision)), ("citation_recall", .number(a.citationRecall)), ("hit", .bool(a.hit)),
        ])
    }

    static func usageLedger(_ m: RunMetrics) -> OrderedJSON {
        .object([
                ("reconciliations", .array(m.reconciliations.map { r in
                    .object([("at_seconds", .number(Double(r.at.nanoseconds) / 1e9)), ("tenant", .string(r.tenant)),
                             ("before", .object([("calls", .int(r.before.calls)), ("tokens", .int(r.before.tokens)), ("cost_micros", .int(r.before.costMicros))])),
                             ("replayed", .int(r.replayed)),
                             ("after", .object([("calls", .int(r.after.calls)), ("tokens", .int(r.after.tokens)), ("cost_micros", .int(r.after.costMicros))]))])
                })),
                ("ledger", .object(m.ledgerTotals.sorted { $0.key < $1.key }.map { t, v in
                    (t, .object([("calls", .int(v.calls)), ("tokens", .int(v.tokens)), ("cost_micros", .int(v.costMicros)),
                                 ("deliveries_lost", .int(m.usageDropped[t] ?? 0))]))
                })),
            ])
    }

    static func flagsAndPlugins(_ m: RunMetrics) -> OrderedJSON {
        .object([
                ("flag_timeline", .array(m.flagSnapshots.map { snap in
                    let features = Set(snap.states.values.flatMap(\.keys)).sorted()
                    return .object([
                        ("at_seconds", .number(Double(snap.at.nanoseconds) / 1e9)), ("cause", .string(snap.cause)),
                        ("enabled_for", .object(features.map { f in
                            (f, .array(snap.states.keys.sorted().filter { snap.states[$0]?[f] == true }.map(OrderedJSON.string)))
                        })),
                    ])
                })),
                ("deliveries", .array(m.deliveries.map { d in
                    .object([("at_seconds", .number(Double(d.at.nanoseconds) / 1e9)), ("plugin", .string(d.plugin)), ("tenant", .string(d.tenant)),
                             ("alert", .string(d.alertKind)), ("failure", d.failure.map(OrderedJSON.string) ?? .null)])
                })),
                ("connector_messages", .array(m.connectorMessageCounts.map { c in
                    .object([("service", .string(c.service)), ("tenant", .string(c.tenant)), ("count", .int(c.count))])
                })),
            ])
    }

    static func platformAPI(_ m: RunMetrics) -> OrderedJSON {
        .object([
                ("tenants", .array(m.platformTenants.sorted { $0.id < $1.id }.map { t in
                    .object([("id", .string(t.id)), ("status", .string(t.status)), ("database", .string(t.database)),
                             ("schema_version", .int(t.schemaVersion)), ("users", .int(t.users))])
                })),
                ("calls", .array(m.apiCalls.map { c in
                    .object([("at_seconds", .number(Double(c.at.nanoseconds) / 1e9)), ("caller", .string(c.caller)),
                             ("method", .string(c.method)), ("path", .string(c.path)), ("status", .int(c.status)),
                             ("expected", .int(c.expected))])
                })),
            ])
    }
}
