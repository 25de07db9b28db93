import Foundation
import Base
import Gateway

/// A JSON value whose object keys keep the order they were written in, rendered the
/// same way every time: reports are byte-for-byte reproducible.
public indirect enum OrderedJSON {
    case null
    case bool(Bool)
    case int(Int64)
    case number(Double)
    case string(String)
    case array([OrderedJSON])
    case object([(String, OrderedJSON)])

    public static func int(_ v: Int) -> OrderedJSON { .int(Int64(v)) }

    /// Pretty-printed with two-space indentation and a final newline.
    public func rendered() -> String {
        var out = ""
        write(&out, indent: 0)
        out += "\n"
        return out
    }

    /// Numbers: integers as integers; others rounded to 6 significant digits, so tiny
    /// floating-point differences in summation order can never change a report.
    static func format(_ v: Double) -> String {
        guard v.isFinite else { return "null" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(format: "%.6g", v)
    }

    /// A JSON string literal (the platform's one escaping rule).
    static func escape(_ s: String) -> String { JSONTopLevel.quoted(s) }

    func write(_ out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent + 1)
        let close = String(repeating: "  ", count: indent)
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .number(let d): out += Self.format(d)
        case .string(let s): out += Self.escape(s)
        case .array(let a):
            if a.isEmpty { out += "[]"; return }
            out += "[\n"
            for (i, v) in a.enumerated() {
                out += pad; v.write(&out, indent: indent + 1)
                out += i == a.count - 1 ? "\n" : ",\n"
            }
            out += close + "]"
        case .object(let o):
            if o.isEmpty { out += "{}"; return }
            out += "{\n"
            for (i, (k, v)) in o.enumerated() {
                out += pad + Self.escape(k) + ": "
                v.write(&out, indent: indent + 1)
                out += i == o.count - 1 ? "\n" : ",\n"
            }
            out += close + "}"
        }
    }
}
