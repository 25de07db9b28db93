import Base
import Gateway
import Mocks

/// A client's call through a replica: the node's steps, carried out on virtual time.
extension LabRunner {
    func arrive(_ t: Int, end: Instant) {
        let now = clock.now()
        simulatedRequests += 1
        var state = traffic[t]
        let u = state.choices.nextUnit()
        let choice = state.cumulativeWeights.firstIndex { u < $0 } ?? (state.cumulativeWeights.count - 1)
        let prompt = Int(state.choices.next() % UInt64(state.messages.count))
        let stream = state.spec.streamFraction > 0 && state.choices.nextUnit() < state.spec.streamFraction
        let abort = stream && state.spec.abortFraction > 0 && state.choices.nextUnit() < state.spec.abortFraction
        var request = ChatCompletionRequest(model: state.spec.models[choice].alias, messages: state.messages[prompt], stream: stream ? true : nil,
                                            maxTokens: state.spec.maxTokens)
        if stream { request.streamOptions = StreamOptions(includeUsage: true) }
        let key = RunMetrics.CallKey(tenant: state.tenant, model: state.modelIndexes[choice], key: state.key, provider: -1,
                                     stream: stream, status: 0, errorKind: -1)
        let next = state.arrivals.next()
        traffic[t] = state
        if next <= end, state.spec.until.map({ next < $0 }) ?? true { queue.schedule(at: next, .arrival(traffic: Int32(t))) }

        let id = requestIDs.make(prefix: "chatcmpl-")
        guard let replica = balance() else {
            // Every replica is down: the balancer answers 502 itself; no gateway saw the call.
            metrics.record(call: key.with(status: 502, errorKind: .unavailable), usage: .unroutable(id, at: now), at: now)
            return
        }
        let r = replicas[replica]
        var step = r.node.receive(.request(request), authorization: state.authorization, requestID: id, now: now)
        if case .acquireShared(let pending, let scopes, let tokens) = step {
            step = r.node.limited(pending, sharedLimiter.acquire(scopes, promptTokens: tokens, now: now), now: now)
        }
        switch step {
        case .respond(_, let settlement):
            carryOut(settlement, key: key, replica: replica)
        case .send(let call):
            send(call, key: key, trueTenant: state.spec.tenant, replica: replica, clientClosed: abort, now: now)
        case .answerFromDocuments(let call):
            // Answered in events of its own: the knowledge service is awaited there.
            startDocChat(DocChatInFlight(call: call, key: key, replica: replica, incarnation: r.incarnation, question: nil))
        case .acquireShared:
            preconditionFailure("shared counters were consulted above")
        }
    }

    /// The replica the balancer gives the next call: round robin over those that are up.
    func balance() -> Int? {
        for _ in 0..<replicas.count {
            let r = nextReplica
            nextReplica = (nextReplica + 1) % replicas.count
            if replicas[r].up { return r }
        }
        return nil
    }

    func send(_ call: GatewayNode.Call, key: RunMetrics.CallKey, trueTenant: String, replica: Int, clientClosed: Bool, now: Instant) {
        checkActiveProvider(call.context, now: now)
        let (result, delay, billed) = upstream(call.request, trueTenant: trueTenant, now: now)
        let slot: Int
        if let free = freeSlots.popLast() { slot = Int(free) } else { slot = inflight.count; inflight.append(nil) }
        inflight[slot] = InFlight(context: call.context, limit: call.limit, result: result, key: key, replica: replica, incarnation: replicas[replica].incarnation,
                                  billed: billed, clientClosed: clientClosed)
        queue.schedule(at: now + delay, .completion(slot: Int32(slot)))
    }

    /// The `no_failover` oracle: a call goes to the provider its alias was last switched to.
    func checkActiveProvider(_ ctx: GatewayCore.CallContext, now: Instant) {
        if let expected = expectedActive[AliasKey(tenant: ctx.tenant, alias: ctx.alias)], expected != ctx.provider {
            metrics.violation("no_failover", "at \(now): \(ctx.tenant)/\(ctx.alias) was sent to \(ctx.provider.rawValue), but the active provider is \(expected.rawValue)")
        }
    }

    /// The mock provider's answer to a call sent now, and when it arrives (the upstream
    /// timeout cuts a slower one), with the oracles' checks and the provider's bill.
    func upstream(_ request: UpstreamRequest, trueTenant: String, now: Instant) -> (result: UpstreamResult, delay: Nanoseconds, billed: Int64) {
        guard let m = mockIndex(for: request.provider, endpoint: request.endpoint) else {
            return (.failure(.connection("no host answers at \(request.endpoint.origin)")), .milliseconds(5), 0)
        }
        let timeout = scenario.platform.upstreamTimeout
        let reply = mocks[m].handle(request, at: now)
        if let owner = reply.tenantOfKey, owner != trueTenant {
            metrics.violation("key_isolation", "at \(now): \(mocks[m].profile.name) received \(owner)'s key on a call made for \(trueTenant)")
        }
        let ownerIndex = reply.tenantOfKey.map { metrics.index(of: $0) } ?? -1
        let timedOut = reply.delay > timeout
        let billed = timedOut ? 0 : reply.billedMicros
        metrics.record(upstream: .init(provider: mockIDs[m], tenant: ownerIndex, status: Int16(timedOut ? 0 : reply.status)),
                       billed: billed, hallucinated: reply.hallucinated && !timedOut)
        return timedOut ? (.failure(.timeout(after: timeout)), timeout, 0) : (reply.result, reply.delay, billed)
    }

    func complete(_ slot: Int) {
        guard let f = inflight[slot] else { return }
        inflight[slot] = nil
        freeSlots.append(Int32(slot))
        let r = replicas[f.replica]
        guard r.incarnation == f.incarnation else {
            // The process that sent it died: the provider billed a call no one settles.
            metrics.journal.lostInFlight[f.context.tenant, default: UsageCounters()].add(UsageCounters(calls: 1, costMicros: f.billed))
            return
        }
        let finish = r.node.complete(f.context, limit: f.limit, result: f.result, now: clock.now(), clientClosed: f.clientClosed)
        carryOut(finish.settlement, key: f.key, replica: f.replica)
    }

    // MARK: Settlements

    /// Carries out a settlement: gives a shared grant back, then answers the call — at once,
    /// or once its journal entry is durable.
    func carryOut(_ settlement: GatewayNode.Settlement, key: RunMetrics.CallKey, replica: Int) {
        let now = clock.now()
        if let release = settlement.sharedRelease { sharedLimiter.release(release.grant, actualTokens: release.tokens, now: now) }
        guard let usage = settlement.usage else { settlement.alerts.forEach(metrics.raise); return }
        let answer = LabReplica.PendingAnswer(key: key, usage: usage, alerts: settlement.alerts)
        guard let ticket = settlement.ticket else { return give(answer, journaled: false) }
        let r = replicas[replica]
        metrics.settledIDs.insert(usage.requestID)
        r.waiting.append((ticket, answer))
        startJournalWrite(r)
    }

    /// Answers a call: it counts in the run's metrics, its alerts are raised.
    func give(_ answer: LabReplica.PendingAnswer, journaled: Bool) {
        answer.alerts.forEach(metrics.raise)
        if journaled, let tenant = answer.usage.tenant {
            metrics.answeredIDs[tenant, default: [:]][answer.usage.requestID] = answer.usage.costMicros
        }
        var key = answer.key
        key.status = Int16(answer.usage.status)
        key.provider = answer.usage.provider.map { Int8(RunMetrics.providerKindList.firstIndex(of: $0)!) } ?? -1
        key.errorKind = answer.usage.errorKind.map { Int8(RunMetrics.errorKinds.firstIndex(of: $0)!) } ?? -1
        metrics.record(call: key, usage: answer.usage, at: answer.usage.startedAt)
    }

    // MARK: The journal's writes

    /// Starts the replica's next journal write, unless one is under way: its bytes reach
    /// the disk now, its fsync ends `usage.fsync` later.
    func startJournalWrite(_ r: LabReplica) {
        guard r.write == nil, let disk = r.disk, let write = r.node.nextJournalWrite() else { return }
        r.write = (write, JournalIO.start(write, on: disk))
        let fsync = scenario.usage!.fsync
        queue.schedule(at: clock.now() + fsync, .journalSync(replica: Int32(r.index), incarnation: r.incarnation))
        if r.crashAtNextWrite {
            r.crashAtNextWrite = false
            let at = clock.now() + Nanoseconds(Int64(crashRandom.nextUnit() * Double(fsync.value)))
            queue.schedule(at: at, .crashMidWrite(replica: Int32(r.index), incarnation: r.incarnation))
        }
    }

    func journalSynced(_ replica: Int, incarnation: Int32) {
        let r = replicas[replica]
        guard r.incarnation == incarnation, let (write, started) = r.write, let disk = r.disk else { return }
        r.write = nil
        let ok = started && JournalIO.finish(write, on: disk)
        endJournalWrite(r, write, succeeded: ok)
        startJournalWrite(r)
    }

    /// A journal write ended: the calls it carried are answered (unless it is retried).
    func endJournalWrite(_ r: LabReplica, _ write: UsageJournal.Write, succeeded: Bool) {
        let (tickets, alert) = r.node.journalWriteEnded(write, succeeded: succeeded, now: clock.now())
        if let alert { metrics.raise(alert) }
        guard let tickets else { return }
        let answers = r.takeAnswers(through: tickets.upperBound)
        if alert != nil { metrics.journal.givenUp += answers.count }
        for a in answers { give(a, journaled: alert == nil) }
    }

    /// Writes everything pending at once (a graceful shutdown lets writes finish; the
    /// platform's own calls take no virtual time).
    func completeJournalWrites(_ r: LabReplica) {
        guard let disk = r.disk else { return }
        for _ in 0..<1_000 {
            if let (write, started) = r.write {
                r.write = nil
                endJournalWrite(r, write, succeeded: started && JournalIO.finish(write, on: disk))
            }
            guard let next = r.node.nextJournalWrite() else { return }
            r.write = (next, JournalIO.start(next, on: disk))
        }
    }
}

extension RunMetrics.CallKey {
    func with(status: Int, errorKind: GatewayError.Kind) -> RunMetrics.CallKey {
        var k = self
        k.status = Int16(status)
        k.errorKind = Int8(RunMetrics.errorKinds.firstIndex(of: errorKind)!)
        return k
    }
}

extension UsageRecord {
    /// A call no replica took (the balancer had none up).
    static func unroutable(_ requestID: String, at now: Instant) -> UsageRecord {
        UsageRecord(requestID: requestID, tenant: nil, keyID: nil, modelAlias: "", provider: nil, upstreamModel: nil, stream: false,
                    status: 502, errorKind: .unavailable, promptTokens: 0, completionTokens: 0, costMicros: 0, usageSource: .none,
                    startedAt: now, latency: .zero, timeToFirstToken: nil)
    }
}
