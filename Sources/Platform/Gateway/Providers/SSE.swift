import Base
/// One server-sent event: an optional `event:` name and its `data:` payload.
public struct SSEEvent: Hashable, Sendable {
    public var event: String?
    public var data: String
    public init(event: String? = nil, data: String) { self.event = event; self.data = data }
}

/// An incremental parser for `text/event-stream` (WHATWG HTML §9.2), fed bytes as they come.
///
/// Handles `\n`, `\r\n` and `\r` line ends, multi-line `data:`, comments (`:`), and
/// events split across reads. Fields other than `event` and `data` are ignored.
public struct SSEParser: Sendable {
    private var line: [UInt8] = []
    private var event: String?
    private var data: [String] = []
    private var sawCR = false
    private var hasData = false

    public init() {}

    /// Feeds bytes; returns the events completed by them.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [SSEEvent] {
        var out: [SSEEvent] = []
        for b in bytes {
            if sawCR { sawCR = false; if b == 0x0A { continue } }
            if b == 0x0A || b == 0x0D {
                if b == 0x0D { sawCR = true }
                if let e = endLine() { out.append(e) }
            } else {
                line.append(b)
            }
        }
        return out
    }

    /// Ends the stream: returns an event left without its closing blank line, if any.
    public mutating func finish() -> SSEEvent? {
        if !line.isEmpty { _ = endLine() }
        return dispatch()
    }

    private mutating func endLine() -> SSEEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if line.isEmpty { return dispatch() }
        if line.first == UInt8(ascii: ":") { return nil }
        let text = String(decoding: line, as: UTF8.self)
        let field: Substring, value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            var v = text[text.index(after: colon)...]
            if v.first == " " { v = v.dropFirst() }
            value = v
        } else {
            field = Substring(text); value = ""
        }
        switch field {
        case "event": event = String(value)
        case "data": data.append(String(value)); hasData = true
        default: break
        }
        return nil
    }

    private mutating func dispatch() -> SSEEvent? {
        defer { event = nil; data.removeAll(); hasData = false }
        guard hasData else { return nil }
        return SSEEvent(event: event, data: data.joined(separator: "\n"))
    }
}

/// Renders server-sent events.
public enum SSEWriter {
    public static func render(_ e: SSEEvent, lineEnd: String = "\n") -> String {
        var s = ""
        if let name = e.event { s += "event: \(name)\(lineEnd)" }
        for l in e.data.split(separator: "\n", omittingEmptySubsequences: false) { s += "data: \(l)\(lineEnd)" }
        return s + lineEnd
    }
}
