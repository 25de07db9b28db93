import NIOCore

/// A RESP2 value (the Redis serialization protocol).
public enum RESPValue: Sendable, Equatable {
    case simple(String)
    case error(String)
    case integer(Int64)
    case bulk([UInt8]?)
    case array([RESPValue]?)

    public var string: String? {
        switch self {
        case .simple(let s): s
        case .bulk(let b?): String(decoding: b, as: UTF8.self)
        case .integer(let i): String(i)
        default: nil
        }
    }

    public var integer: Int64? {
        switch self {
        case .integer(let i): i
        case .bulk(let b?): Int64(String(decoding: b, as: UTF8.self))
        case .simple(let s): Int64(s)
        default: nil
        }
    }
}

enum RESP {
    /// A command as an array of bulk strings.
    static func encode(_ arguments: [String], into buffer: inout ByteBuffer) {
        buffer.writeString("*\(arguments.count)\r\n")
        for a in arguments {
            buffer.writeString("$\(a.utf8.count)\r\n")
            buffer.writeString(a)
            buffer.writeString("\r\n")
        }
    }

    /// Parses one value from the front of `buffer`; nil (buffer untouched) when incomplete.
    /// Throws on a malformed reply.
    static func parse(_ buffer: inout ByteBuffer, depth: Int = 0) throws -> RESPValue? {
        guard depth < 16 else { throw RedisError("a reply nested more than 16 levels deep") }
        let start = buffer.readerIndex
        guard let type = buffer.readInteger(as: UInt8.self) else { return nil }
        func line() -> String? {
            let view = buffer.readableBytesView
            guard let cr = view.firstIndex(of: 13), view.index(after: cr) < view.endIndex, view[view.index(after: cr)] == 10 else { return nil }
            let text = buffer.readString(length: cr - view.startIndex)
            buffer.moveReaderIndex(forwardBy: 2)
            return text
        }
        func incomplete() -> RESPValue? { buffer.moveReaderIndex(to: start); return nil }
        switch type {
        case UInt8(ascii: "+"):
            guard let l = line() else { return incomplete() }
            return .simple(l)
        case UInt8(ascii: "-"):
            guard let l = line() else { return incomplete() }
            return .error(l)
        case UInt8(ascii: ":"):
            guard let l = line() else { return incomplete() }
            guard let i = Int64(l) else { throw RedisError("a malformed integer reply") }
            return .integer(i)
        case UInt8(ascii: "$"):
            guard let l = line() else { return incomplete() }
            guard let n = Int(l), n >= -1, n <= 512 << 20 else { throw RedisError("a malformed bulk length") }
            if n == -1 { return .bulk(nil) }
            guard buffer.readableBytes >= n + 2, let bytes = buffer.readBytes(length: n) else { return incomplete() }
            buffer.moveReaderIndex(forwardBy: 2)
            return .bulk(bytes)
        case UInt8(ascii: "*"):
            guard let l = line() else { return incomplete() }
            guard let n = Int(l), n >= -1, n <= 1 << 20 else { throw RedisError("a malformed array length") }
            if n == -1 { return .array(nil) }
            var items: [RESPValue] = []
            items.reserveCapacity(n)
            for _ in 0..<n {
                guard let v = try parse(&buffer, depth: depth + 1) else { return incomplete() }
                items.append(v)
            }
            return .array(items)
        default:
            throw RedisError("an unknown reply type '\(Character(Unicode.Scalar(type)))'")
        }
    }
}

/// A Redis failure: the server's error reply, or a connection problem.
public struct RedisError: Error, Sendable, CustomStringConvertible, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { "redis: \(message)" }
}
