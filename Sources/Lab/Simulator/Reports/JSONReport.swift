import Base
import Gateway

/// `report.json`: every metric of every scenario, per tenant and overall, with the seed
/// and the scenario's hash. Keys are in a fixed order and numbers in a fixed format.
public enum JSONReport {
    /// An object whose members are written in the order given.
    static func object(_ members: [(String, JSONValue)]) -> JSONValue { .object(OrderedMap(members)) }

    public static func render(_ results: [LabResult], runName: String, version: String) -> String {
        object([
            ("tool", .string("dcoder \(version)")),
            ("run", .string(runName)),
            ("passed", .bool(results.allSatisfy(\.passed))),
            ("scenarios", .array(results.map(scenario))),
        ]).serialized(.report)
    }

    static func stats(_ d: [String: Double]) -> JSONValue {
        object(["p50", "p95", "p99", "mean", "max"].compactMap { k in d[k].map { (k, JSONValue.double($0)) } })
    }

    static func counts(_ pairs: [(String, Int)]) -> JSONValue { object(pairs.map { ($0.0, .int($0.1)) }) }

    static func kpis(_ k: KPIs) -> JSONValue {
        object([
            ("requests", .int(k.requests)),
            ("succeeded", .int(k.succeeded)),
            ("failed", .int(k.failed)),
            ("success_rate", k.successRate.map(JSONValue.double) ?? .null),
            ("latency_seconds", stats(k.latency)),
            ("ttft_seconds", stats(k.ttft)),
            ("tokens", object([("prompt", .int(k.promptTokens)), ("completion", .int(k.completionTokens))])),
            ("cost_micros", .int(Int(k.costMicros))),
            ("by_status", counts(k.byStatus)),
            ("errors_by_kind", counts(k.errorsByKind)),
            ("by_provider", counts(k.byProvider)),
            ("by_model", counts(k.byModel)),
        ])
    }

    static func scenario(_ r: LabResult) -> JSONValue {
        let s = r.scenario, m = r.metrics
        let tenants = m.tenants.sorted()
        return object([
            ("name", .string(s.name)),
            ("file", .string(s.file)),
            ("seed", .string(String(s.seed))),
            ("scenario_sha256", .string(s.sourceHash)),
            ("duration_seconds", .double(s.duration.seconds)),
            ("wire", .string(s.wire.rawValue)),
            ("passed", .bool(r.passed)),
            ("expectations", .array(r.expectations.map { e in
                object([
                    ("name", .string(e.expectation.name ?? e.expectation.text)),
                    ("expression", .string(e.expectation.text)),
                    ("line", .int(e.expectation.line)),
                    ("passed", .bool(e.passed)),
                    ("actual", e.actual.map(JSONValue.double) ?? .null),
                    ("message", .string(e.message)),
                ])
            })),
            ("checks", .array(r.checks.map { c in
                object([("name", .string(c.name)), ("passed", .bool(c.passed)), ("summary", .string(c.summary)),
                         ("details", .array(c.details.map(JSONValue.string)))])
            })),
            ("totals", kpis(KPIs(m, labels: []))),
            ("tenants", object(tenants.map { ($0, kpis(KPIs(m, labels: [("tenant", $0)]))) })),
            ("providers", object(m.providerNames.indices.sorted { m.providerNames[$0] < m.providerNames[$1] }.map { i in
                let rows = m.upstream.filter { $0.key.provider == Int32(i) }
                var byStatus: [String: Int] = [:], byTenant: [String: Int] = [:], billed: [String: Int64] = [:]
                for (k, v) in rows {
                    byStatus[k.status == 0 ? "timeout" : String(k.status), default: 0] += v.count
                    let t = k.tenant >= 0 ? m.tenants[Int(k.tenant)] : "(unknown key)"
                    byTenant[t, default: 0] += v.count
                    billed[t, default: 0] += v.billedMicros
                }
                return (m.providerNames[i], object([
                    ("kind", .string(m.providerKinds[i].rawValue)),
                    ("calls", .int(rows.reduce(0) { $0 + $1.value.count })),
                    ("hallucinations", .int(rows.reduce(0) { $0 + $1.value.hallucinated })),
                    ("by_status", counts(byStatus.sorted { $0.key < $1.key })),
                    ("calls_by_tenant", counts(byTenant.sorted { $0.key < $1.key })),
                    ("billed_micros_by_tenant", object(billed.sorted { $0.key < $1.key }.map { ($0.key, .int(Int($0.value))) })),
                ]))
            })),
            ("alerts", .array(m.alerts.map { a in
                object([("at_seconds", .double(Double(a.at.nanoseconds) / 1e9)), ("kind", .string(a.kind.rawValue)),
                         ("tenant", a.tenant.map(JSONValue.string) ?? .null), ("provider", a.provider.map { .string($0.rawValue) } ?? .null),
                         ("message", .string(a.message))])
            })),
            ("rag", m.rag.map(rag) ?? .null),
            ("usage_ledger", usageLedger(m)),
            ("flags_and_plugins", flagsAndPlugins(m)),
            ("platform_api", platformAPI(m)),
            ("steps", .array(r.steps.map { st in
                object([("at_seconds", .double(Double(st.at.nanoseconds) / 1e9)), ("step", .string(st.description)),
                         ("error", st.error.map(JSONValue.string) ?? .null)])
            })),
            ("timeline", object([
                ("bucket_seconds", .double(m.bucketWidth.seconds)),
                ("tenants", object(tenants.map { t in
                    let i = m.tenants.firstIndex(of: t)!
                    return (t, object([
                        ("succeeded", .array(m.timelineOK[i].map(JSONValue.int))),
                        ("failed", .array(m.timelineError[i].map(JSONValue.int))),
                        ("cost_micros", .array(m.timelineCost[i].map { JSONValue.int(Int($0)) })),
                    ]))
                })),
            ])),
        ])
    }

    static func rag(_ r: RAGResults) -> JSONValue {
        let scores: JSONValue = object([
            ("f1", r.f1.map(JSONValue.double) ?? .null), ("exact_match", r.exactMatch.map(JSONValue.double) ?? .null),
            ("hit_at_k", r.hitAtK.map(JSONValue.double) ?? .null),
            ("citation_precision", r.citationPrecision.map(JSONValue.double) ?? .null),
            ("citation_recall", r.citationRecall.map(JSONValue.double) ?? .null),
            ("groundedness", r.groundedness.map(JSONValue.double) ?? .null),
        ])
        let documents: [JSONValue] = r.documents.map { d in
            object([("name", .string(d.name)), ("result", .string(d.result)), ("chunks", .int(d.chunks)),
                    ("error", d.error.map(JSONValue.string) ?? .null)])
        }
        let job: JSONValue = r.job.map { j in
            object([("id", .string(j.id)), ("status", .string(j.status)), ("submitted_at_seconds", .double(Double(j.submittedAt.nanoseconds) / 1e9)),
                    ("finished_at_seconds", j.finishedAt.map { .double(Double($0.nanoseconds) / 1e9) } ?? .null)])
        } ?? .null
        return object([("job", job), ("documents", .array(documents)), ("scores", scores), ("answers", .array(r.answers.map(ragAnswer)))])
    }

    static func ragAnswer(_ a: RAGAnswer) -> JSONValue {
        let citations: [JSONValue] = a.citations.map { c in
            object([("n", .int(c.number)), ("document", .string(c.document)), ("chunk", .string(c.chunk)),
                     ("section", .string(c.section.joined(separator: " > "))), ("start", .int(c.start)), ("end", .int(c.end)),
                     ("page", c.page.map(JSONValue.int) ?? .null)])
        }
        return object([
            ("id", .string(a.id)), ("question", .string(a.question)), ("answer", .string(a.answer)),
            ("citations", .array(citations)), ("retrieved", .array(a.retrieved.map(JSONValue.string))),
            ("f1", .double(a.f1)), ("exact_match", .double(a.exactMatch)), ("groundedness", .double(a.groundedness)),
            ("unsupported", .array(a.unsupported.map(JSONValue.string))),
            ("citation_precision", .double(a.citationPrecision)), ("citation_recall", .double(a.citationRecall)), ("hit", .bool(a.hit)),
            ("call", a.call.map(ragCall) ?? .null),
        ])
    }

    /// A `doc-chat` call and the answering model's call, as the gateway accounted it.
    static func ragCall(_ c: RAGAnswer.Call) -> JSONValue {
        let model: JSONValue = c.model.map { u in
            object([("request_id", .string(u.requestID)), ("model", .string(u.modelAlias)), ("provider", u.provider.map { .string($0.rawValue) } ?? .null),
                    ("status", .int(u.status)), ("prompt_tokens", .int(u.promptTokens)), ("completion_tokens", .int(u.completionTokens)),
                    ("cost_micros", .int(Int(u.costMicros))), ("latency_seconds", .double(Double(u.latency.value) / 1e9))])
        } ?? .null
        return object([("request_id", .string(c.requestID)), ("at_seconds", .double(Double(c.at.nanoseconds) / 1e9)), ("status", .int(c.status)),
                       ("error", c.error.map(JSONValue.string) ?? .null), ("model_call", model)])
    }

    static func usageLedger(_ m: RunMetrics) -> JSONValue {
        object([
                ("reconciliations", .array(m.reconciliations.map { r in
                    object([("at_seconds", .double(Double(r.at.nanoseconds) / 1e9)), ("tenant", .string(r.tenant)),
                             ("before", object([("calls", .int(r.before.calls)), ("tokens", .int(r.before.tokens)), ("cost_micros", .int(Int(r.before.costMicros)))])),
                             ("replayed", .int(r.replayed)),
                             ("after", object([("calls", .int(r.after.calls)), ("tokens", .int(r.after.tokens)), ("cost_micros", .int(Int(r.after.costMicros)))]))])
                })),
                ("ledger", object(m.ledgerTotals.sorted { $0.key < $1.key }.map { t, v in
                    (t, object([("calls", .int(v.calls)), ("tokens", .int(v.tokens)), ("cost_micros", .int(Int(v.costMicros))),
                                 ("entries_refused", .int(m.usageDropped[t] ?? 0))]))
                })),
                ("journal", journal(m.journal)),
            ])
    }

    static func journal(_ j: RunMetrics.Journal) -> JSONValue {
        func byTenant(_ counts: [String: UsageCounters]) -> JSONValue {
            object(counts.sorted { $0.key < $1.key }.map { t, c in (t, object([("calls", .int(c.calls)), ("cost_micros", .int(Int(c.costMicros)))])) })
        }
        return object([
            ("crashes", .int(j.crashes)), ("torn_writes", .int(j.tornWrites)), ("lost_operations", .int(j.lostOperations)),
            ("write_errors", .int(j.writeErrors)), ("given_up", .int(j.givenUp)), ("replays", .int(j.replays)),
            ("reconciliations_postponed", .int(j.postponed)),
            ("unanswered", byTenant(j.unanswered)), ("lost_in_flight", byTenant(j.lostInFlight)),
        ])
    }

    static func flagsAndPlugins(_ m: RunMetrics) -> JSONValue {
        object([
                ("flag_timeline", .array(m.flagSnapshots.map { snap in
                    let features = Set(snap.states.values.flatMap(\.keys)).sorted()
                    return object([
                        ("at_seconds", .double(Double(snap.at.nanoseconds) / 1e9)), ("cause", .string(snap.cause)),
                        ("enabled_for", object(features.map { f in
                            (f, .array(snap.states.keys.sorted().filter { snap.states[$0]?[f] == true }.map(JSONValue.string)))
                        })),
                    ])
                })),
                ("deliveries", .array(m.deliveries.map { d in
                    object([("at_seconds", .double(Double(d.at.nanoseconds) / 1e9)), ("plugin", .string(d.plugin)), ("tenant", .string(d.tenant)),
                             ("alert", .string(d.alertKind)), ("failure", d.failure.map(JSONValue.string) ?? .null)])
                })),
                ("connector_messages", .array(m.connectorMessageCounts.map { c in
                    object([("service", .string(c.service)), ("tenant", .string(c.tenant)), ("count", .int(c.count))])
                })),
            ])
    }

    static func platformAPI(_ m: RunMetrics) -> JSONValue {
        object([
                ("tenants", .array(m.platformTenants.sorted { $0.id < $1.id }.map { t in
                    object([("id", .string(t.id)), ("status", .string(t.status)), ("database", .string(t.database)),
                             ("schema_version", .int(t.schemaVersion)), ("users", .int(t.users))])
                })),
                ("calls", .array(m.apiCalls.map { c in
                    object([("at_seconds", .double(Double(c.at.nanoseconds) / 1e9)), ("caller", .string(c.caller)),
                             ("method", .string(c.method)), ("path", .string(c.path)), ("status", .int(c.status)),
                             ("expected", .int(c.expected))])
                })),
            ])
    }
}
