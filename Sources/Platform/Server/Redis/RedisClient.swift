import Foundation
import NIOCore
import NIOPosix
import Synchronization

/// A small Redis client on SwiftNIO: one pipelined connection (replies arrive in request
/// order), opened on first use and again after a failure, commands as string arrays.
///
/// Written by hand because none of our packages is a Redis client; it speaks the RESP2
/// subset the rate limiter needs (`PING`, `GET`, `SET`, `INCR`, `EVALSHA`, `SCRIPT LOAD`…).
public final class RedisClient: Sendable {
    let host: String
    let port: Int
    let database: Int
    private let state = Mutex<Channel?>(nil)
    private let connecting = Mutex<EventLoopFuture<Channel>?>(nil)
    let timeout: TimeAmount

    /// `redis://host:port/db` (database optional).
    public init(url: String, timeout: TimeAmount = .seconds(2)) throws {
        guard let u = URLComponents(string: url), u.scheme == "redis", let host = u.host, !host.isEmpty else {
            throw RedisError("'\(url)' is not a redis://host:port/db URL")
        }
        guard u.user == nil, u.password == nil else {
            throw RedisError("credentials in the Redis URL are not supported (no AUTH): use a Redis on loopback or a private network")
        }
        self.host = host
        self.port = u.port ?? 6379
        let path = u.path.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        guard path.isEmpty || Int(path) != nil else { throw RedisError("the database in '\(url)' must be a number") }
        self.database = Int(path) ?? 0
        self.timeout = timeout
    }

    /// Sends a command and waits for its reply; an error reply is thrown as ``RedisError``.
    @discardableResult
    public func send(_ arguments: [String]) async throws -> RESPValue {
        let channel = try await connection()
        let promise = channel.eventLoop.makePromise(of: RESPValue.self)
        channel.writeAndFlush(RedisHandler.Outbound(arguments: arguments, promise: promise), promise: nil)
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { promise.fail(RedisError("no reply within \(self.timeout.nanoseconds / 1_000_000) ms")) }
        do {
            let reply = try await promise.futureResult.get()
            deadline.cancel()
            if case .error(let message) = reply { throw RedisError(message) }
            return reply
        } catch let e as RedisError where e.message.hasPrefix("no reply") {
            // The connection may be stuck: drop it so the next call reconnects.
            reset(channel)
            throw e
        }
    }

    public func close() async {
        let channel = state.withLock { c -> Channel? in defer { c = nil }; return c }
        try? await channel?.close()
    }

    private func reset(_ channel: Channel) {
        state.withLock { if $0 === channel { $0 = nil } }
        channel.close(promise: nil)
    }

    private func connection() async throws -> Channel {
        if let c = state.withLock({ $0 }), c.isActive { return c }
        let future: EventLoopFuture<Channel> = connecting.withLock { pending in
            if let p = pending { return p }
            let f = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(timeout)
                .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RedisHandler()) }
                }
                .connect(host: host, port: port)
            pending = f
            return f
        }
        do {
            let channel = try await future.get()
            connecting.withLock { if $0 === future { $0 = nil } }
            if database != 0 {
                let p = channel.eventLoop.makePromise(of: RESPValue.self)
                let deadline = channel.eventLoop.scheduleTask(in: timeout) { p.fail(RedisError("no reply to SELECT")) }
                channel.writeAndFlush(RedisHandler.Outbound(arguments: ["SELECT", String(database)], promise: p), promise: nil)
                do {
                    let reply = try await p.futureResult.get()
                    deadline.cancel()
                    if case .error(let m) = reply { throw RedisError(m) }
                } catch {
                    channel.close(promise: nil)  // never leak the connection
                    throw error
                }
            }
            state.withLock { $0 = channel }
            return channel
        } catch {
            connecting.withLock { if $0 === future { $0 = nil } }
            throw (error as? RedisError) ?? RedisError("cannot connect to \(host):\(port): \(error)")
        }
    }
}

/// Encodes commands and matches replies to them in order (on its channel's event loop:
/// added there, by the channel's initializer, and used only there).
final class RedisHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = Outbound
    typealias OutboundOut = ByteBuffer

    struct Outbound {
        var arguments: [String]
        var promise: EventLoopPromise<RESPValue>
    }

    private var waiting: CircularBuffer<EventLoopPromise<RESPValue>> = []
    private var buffer: ByteBuffer?

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let out = unwrapOutboundIn(data)
        var bytes = context.channel.allocator.buffer(capacity: 64)
        RESP.encode(out.arguments, into: &bytes)
        waiting.append(out.promise)
        context.write(wrapOutboundOut(bytes), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if var b = buffer { b.writeBuffer(&incoming); buffer = b } else { buffer = incoming }
        do {
            while var b = buffer, let value = try RESP.parse(&b) {
                buffer = b.readableBytes > 0 ? b : nil
                guard let promise = waiting.popFirst() else { throw RedisError("a reply nobody asked for") }
                promise.succeed(value)
            }
        } catch {
            fail(context: context, (error as? RedisError) ?? RedisError("\(error)"))
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        fail(context: context, RedisError("the connection closed"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        fail(context: context, RedisError("connection error: \(error)"))
    }

    private func fail(context: ChannelHandlerContext, _ error: RedisError) {
        while let p = waiting.popFirst() { p.fail(error) }
        buffer = nil
        context.close(promise: nil)
    }
}
