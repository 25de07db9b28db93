import Base
/// Reads and replaces string members of a JSON object's top level without decoding the
/// document, so the gateway can pass an OpenAI-compatible body through with only its
/// `model` (on the way up) or `id` and `model` (on the way down) changed.
///
/// Written by hand: no package we use edits a JSON document in place. It is a scanner,
/// not a parser: it trusts that the document is valid JSON, which the gateway has
/// already established by decoding it (or a probe of it) with `JSONDecoder`, and it
/// returns `nil` (so callers fall back to decoding and encoding) when anything is not
/// as expected.
public enum JSONTopLevel {
    /// The document with every top-level member named in `replacements` whose value is a
    /// string given the new value; `nil` if the document is not an object, or a named
    /// member is missing or not a string.
    public static func replacingStrings(in bytes: [UInt8], _ replacements: KeyValuePairs<String, String>) -> [UInt8]? {
        let names = replacements.map { Array($0.key.utf8) }
        guard let spans = stringMembers(in: bytes, named: names) else { return nil }
        for i in names.indices where !spans.contains(where: { $0.name == i }) { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 64)
        var cursor = 0
        for span in spans {  // in document order
            out.append(contentsOf: bytes[cursor..<span.range.lowerBound])
            JSONWriter.appendQuoted(replacements[span.name].value, to: &out)
            cursor = span.range.upperBound
        }
        out.append(contentsOf: bytes[cursor...])
        return out
    }

    /// The byte ranges (quotes included) of the string values of top-level members with
    /// these names, every occurrence, in document order (`name` indexes `names`); `nil` if
    /// the document is not a JSON object or a named member's value is not a string.
    public static func stringMembers(in bytes: [UInt8], named names: [[UInt8]]) -> [(name: Int, range: Range<Int>)]? {
        guard let found = members(in: bytes, named: names),
              found.allSatisfy({ bytes[$0.range.lowerBound] == UInt8(ascii: "\"") }) else { return nil }
        return found
    }

    /// The byte ranges of the values of top-level members with these names, every
    /// occurrence, in document order (`name` indexes `names`); `nil` if the document is not
    /// a well-formed JSON object as far as a scanner can tell (brackets, strings, commas
    /// and colons), or has an escaped key.
    public static func members(in bytes: [UInt8], named names: [[UInt8]]) -> [(name: Int, range: Range<Int>)]? {
        var i = skipSpace(bytes, 0)
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
        i = skipSpace(bytes, i + 1)
        var found: [(name: Int, range: Range<Int>)] = []
        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { return skipSpace(bytes, i + 1) == bytes.count ? found : nil }
        while i < bytes.count {
            guard bytes[i] == UInt8(ascii: "\""), let keyEnd = stringEnd(bytes, i) else { return nil }
            let key = bytes[(i + 1)..<(keyEnd - 1)]
            // An escaped key could spell a named member in a way this scanner would not
            // see (`"mod\u0065l"`): refuse, so callers decode and re-encode instead.
            if key.contains(UInt8(ascii: "\\")) { return nil }
            i = skipSpace(bytes, keyEnd)
            guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
            i = skipSpace(bytes, i + 1)
            guard i < bytes.count else { return nil }
            let valueStart = i
            guard let valueEnd = valueEnd(bytes, i) else { return nil }
            if let n = names.firstIndex(where: { $0.elementsEqual(key) }) { found.append((n, valueStart..<valueEnd)) }
            i = skipSpace(bytes, valueEnd)
            guard i < bytes.count else { return nil }
            if bytes[i] == UInt8(ascii: "}") { return skipSpace(bytes, i + 1) == bytes.count ? found : nil }
            guard bytes[i] == UInt8(ascii: ",") else { return nil }
            i = skipSpace(bytes, i + 1)
        }
        return nil
    }

    /// The value of a top-level member that is a non-negative integer literal (as token
    /// counts are), or `nil`.
    public static func integer(in bytes: ArraySlice<UInt8>, named name: String) -> Int? {
        let doc = Array(bytes)
        guard let hits = members(in: doc, named: [Array(name.utf8)]), hits.count == 1 else { return nil }
        let digits = doc[hits[0].range]
        guard !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    private static func skipSpace(_ b: [UInt8], _ start: Int) -> Int {
        var i = start
        while i < b.count, b[i] == 0x20 || b[i] == 0x0A || b[i] == 0x0D || b[i] == 0x09 { i += 1 }
        return i
    }

    /// The index after the closing quote of the string starting at `start`.
    private static func stringEnd(_ b: [UInt8], _ start: Int) -> Int? {
        var i = start + 1
        while i < b.count {
            switch b[i] {
            case UInt8(ascii: "\\"): i += 2
            case UInt8(ascii: "\""): return i + 1
            default: i += 1
            }
        }
        return nil
    }

    /// The index after the value starting at `start`.
    private static func valueEnd(_ b: [UInt8], _ start: Int) -> Int? {
        switch b[start] {
        case UInt8(ascii: "\""):
            return stringEnd(b, start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var i = start
            while i < b.count {
                switch b[i] {
                case UInt8(ascii: "\""):
                    guard let e = stringEnd(b, i) else { return nil }
                    i = e
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return i + 1 }
                default: break
                }
                i += 1
            }
            return nil
        default:
            var i = start
            while i < b.count {
                let c = b[i]
                if c == UInt8(ascii: ",") || c == UInt8(ascii: "}") || c == UInt8(ascii: "]") || c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { break }
                i += 1
            }
            return i > start ? i : nil
        }
    }
}
