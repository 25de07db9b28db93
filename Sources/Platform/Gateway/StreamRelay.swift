import Base
/// Relays a provider's stream to the client one event at a time, as OpenAI chunks.
///
/// The Lab feeds it the native events of a whole simulated stream; the live server feeds
/// it the bytes of the provider's SSE stream as they arrive and writes the chunks it
/// returns at once. Either way, ``finish(now:timeToFirstByte:cut:)`` gives the closing
/// chunks and the call's usage record, computed by the same rules as a non-streamed call
/// (``GatewayCore/complete(_:result:now:)``).
public struct StreamRelay: Sendable {
    public let context: GatewayCore.CallContext
    private var parser = SSEParser()
    private var translator: ProviderAdapter.StreamTranslator
    private var assembler: StreamAssembler
    private var malformed: String?

    /// How a relayed stream ended.
    public struct Ending: Sendable {
        /// Chunks still to send (the finish chunk if the provider sent none, then usage).
        public var chunks: [ChatCompletionChunk]
        public var outcome: Outcome
    }

    public struct Outcome: Sendable {
        /// Set when the stream failed part-way; the client has already had a 200 and some
        /// chunks, so the live server sends this as a final SSE `error` event.
        public var error: GatewayError?
        public var usage: UsageRecord
        public var alerts: [Alert]
    }

    /// - Parameter created: the `created` time (Unix seconds) that every chunk carries.
    public init(context: GatewayCore.CallContext, created: Int64) {
        self.context = context
        translator = ProviderAdapter.StreamTranslator(provider: context.provider)
        assembler = StreamAssembler(id: context.requestID, created: created, model: context.alias, includeUsage: context.includeUsage)
    }

    /// The assistant text relayed so far.
    public var text: String { assembler.text }

    /// Feeds raw bytes of the provider's SSE stream, in any slicing.
    public mutating func feed(bytes: some Sequence<UInt8>) -> [ChatCompletionChunk] {
        guard malformed == nil else { return [] }
        var out: [ChatCompletionChunk] = []
        for event in parser.feed(bytes) {
            out += feed(sse: event)
            if malformed != nil { break }
        }
        return out
    }

    /// Feeds one decoded native event.
    public mutating func feed(_ event: NativeStreamEvent) -> [ChatCompletionChunk] {
        guard malformed == nil else { return [] }
        return assembler.add(translator.translate(event))
    }

    private mutating func feed(sse event: SSEEvent) -> [ChatCompletionChunk] {
        do {
            guard let native = try ProviderAdapter.decodeStreamEvent(provider: context.provider, event) else { return [] }
            return feed(native)
        } catch {
            malformed = "an event the gateway could not read (\(error))"
            return []
        }
    }

    /// Ends the stream.
    ///
    /// - Parameters:
    ///   - timeToFirstByte: when the provider's first byte arrived, after the call started.
    ///   - cut: why the stream stopped early (the connection to the provider broke, or the
    ///     client went away and the provider did not finish within the drain limit), or
    ///     `nil` when the provider ended it.
    ///   - clientClosed: the client went away mid-stream. The gateway keeps reading the
    ///     provider's stream (without sending it on) so that the call is charged what the
    ///     provider bills: its reported usage when the stream ran to the end, else an
    ///     estimate of the prompt and of the text generated before the cut. The call is
    ///     recorded with status 499, `client_closed_request`.
    public mutating func finish(now: Instant, timeToFirstByte: Nanoseconds?, cut: String? = nil, clientClosed: Bool = false) -> Ending {
        if malformed == nil, cut == nil, let last = parser.finish() { _ = feed(sse: last) }
        var chunks: [ChatCompletionChunk] = []
        if malformed == nil, cut == nil {
            chunks += assembler.add(translator.finish())
            chunks += assembler.end()
        }
        var usage = GatewayCore.baseUsage(context, now: now)
        usage.timeToFirstToken = timeToFirstByte
        var alerts: [Alert] = []
        let name = context.provider.displayName
        let failure: GatewayError?
        if let m = malformed {
            failure = GatewayError(.upstreamBadResponse, status: 502, message: "\(name) stream failed: \(m)")
        } else if let c = cut {
            failure = GatewayError(.connectionFailed, status: 502, message: "\(name) stream ended early: \(c)")
        } else if let f = assembler.failure {
            failure = GatewayError(.serverError, status: 502, message: "\(name) stream failed: \(f)")
        } else {
            failure = nil
        }
        if clientClosed, malformed == nil, assembler.failure == nil {
            GatewayCore.settle(&usage, reported: cut == nil ? assembler.usage : nil, completionText: assembler.text, call: context,
                               alerts: &alerts, now: now)
            let closed = GatewayError(.clientClosed, status: 499, message: "The client closed the connection mid-stream.")
            GatewayCore.fail(closed, &usage, call: context, alerts: &alerts, now: now)
            return Ending(chunks: [], outcome: Outcome(error: closed, usage: usage, alerts: alerts))
        }
        if let failure {
            // Charged only what the provider reported: a stream the provider cut before
            // its usage event is recorded with no usage (the provider failed the call).
            if let u = assembler.usage {
                usage.usageSource = .reported
                GatewayCore.charge(&usage, u, price: context.price, alerts: &alerts, now: now)
            }
            GatewayCore.fail(failure, &usage, call: context, alerts: &alerts, now: now)
            return Ending(chunks: chunks, outcome: Outcome(error: failure, usage: usage, alerts: alerts))
        }
        GatewayCore.settle(&usage, reported: assembler.usage, completionText: assembler.text, call: context, alerts: &alerts, now: now)
        return Ending(chunks: chunks, outcome: Outcome(error: nil, usage: usage, alerts: alerts))
    }
}
