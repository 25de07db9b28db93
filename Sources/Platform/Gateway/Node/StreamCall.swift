import Base

/// A stream being relayed to its client, chunk by chunk, as the provider's bytes arrive.
public struct StreamCall: Sendable {
    public let call: GatewayNode.Call
    public let timeToFirstByte: Nanoseconds?
    var relay: StreamRelay

    init(call: GatewayNode.Call, timeToFirstByte: Nanoseconds?, created: Int64) {
        self.call = call
        self.timeToFirstByte = timeToFirstByte
        relay = StreamRelay(context: call.context, created: created)
    }

    /// The head of the client's answer (status 200, `text/event-stream`, the call's id and
    /// its rate-limit headers).
    public var head: Reply { Reply(.events([]), requestID: call.context.requestID, extra: call.limit.headers) }

    /// Feeds bytes of the provider's stream, in any slicing; the bytes to write to the client.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        let chunks = relay.feed(bytes: bytes)
        return chunks.isEmpty ? [] : Reply.sse(chunks)
    }
}
