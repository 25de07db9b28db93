/// HTML into elements: `h1`–`h6` titles, `p` (and loose text) narrative text, `li` list
/// items, `pre` code, `table` rows (cells joined by ` | `); `script`, `style`, `head`,
/// `nav` and comments are dropped; entities decoded. Offsets point at each element's
/// opening tag in the source. A tolerant scanner, not a full HTML5 parser: unclosed
/// elements end at the next block element.
enum HTMLPartitioner {
    static let blockTags: Set<String> = ["h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "pre", "table", "tr", "div", "section",
                                         "article", "ul", "ol", "body", "br", "blockquote", "header", "footer", "main"]
    static let skipTags: Set<String> = ["script", "style", "head", "nav", "noscript", "template"]

    static func partition(_ html: String) -> [DocumentElement] {
        let s = Array(html.unicodeScalars)
        var out: [DocumentElement] = []
        var text = ""            // text of the element being read
        var kind: DocumentElement.Kind = .narrativeText
        var level = 0
        var start = 0
        var inPre = false
        var tableRows: [String] = [], row: [String] = [], tableStart = 0, inTable = false
        var i = 0

        func flush() {
            let t = inPre ? text.trimmingCharacters(in: .newlines) : collapse(text)
            if !t.isEmpty {
                if inTable { row.append(t) } else { out.append(DocumentElement(kind: kind, text: t, level: level, start: start, end: i)) }
            }
            text = ""
        }
        while i < s.count {
            if s[i] == "<" {
                // Comments.
                if i + 3 < s.count, s[i + 1] == "!", s[i + 2] == "-", s[i + 3] == "-" {
                    var j = i + 4
                    while j + 2 < s.count, !(s[j] == "-" && s[j + 1] == "-" && s[j + 2] == ">") { j += 1 }
                    i = min(s.count, j + 3)
                    continue
                }
                var j = i + 1
                while j < s.count, s[j] != ">" { j += 1 }
                let inside = String(String.UnicodeScalarView(s[(i + 1)..<min(j, s.count)]))
                let closing = inside.hasPrefix("/")
                let name = inside.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
                let tagStart = i
                i = min(s.count, j + 1)
                if skipTags.contains(name), !closing {
                    // Skip to the matching close tag.
                    let close = Array("</\(name)".unicodeScalars)
                    var k = i
                    while k + close.count <= s.count {
                        if zip(s[k..<(k + close.count)], close).allSatisfy({ String($0).lowercased() == String($1) }) { break }
                        k += 1
                    }
                    while k < s.count, s[k] != ">" { k += 1 }
                    i = min(s.count, k + 1)
                    continue
                }
                guard blockTags.contains(name) || name == "td" || name == "th" else { continue }
                switch (name, closing) {
                case ("table", false):
                    flush(); inTable = true; tableRows = []; tableStart = tagStart
                case ("table", true):
                    flush()
                    if !row.isEmpty { tableRows.append(row.joined(separator: " | ")); row = [] }
                    if !tableRows.isEmpty { out.append(DocumentElement(kind: .table, text: tableRows.joined(separator: "\n"), start: tableStart, end: i)) }
                    inTable = false
                case ("tr", _):
                    flush()
                    if !row.isEmpty { tableRows.append(row.joined(separator: " | ")); row = [] }
                case ("td", _), ("th", _):
                    flush()
                case ("br", _):
                    text += inPre ? "\n" : " "
                default:
                    flush()
                    if closing {
                        if name == "pre" { inPre = false }
                        kind = .narrativeText; level = 0; start = i
                    } else {
                        start = tagStart
                        switch name {
                        case "h1", "h2", "h3", "h4", "h5", "h6": kind = .title; level = Int(String(name.last!)) ?? 1
                        case "li": kind = .listItem; level = 0
                        case "pre": kind = .code; level = 0; inPre = true
                        default: kind = .narrativeText; level = 0
                        }
                    }
                }
                continue
            }
            // Text and entities.
            if s[i] == "&" {
                var j = i + 1
                while j < s.count, j - i < 10, s[j] != ";" { j += 1 }
                if j < s.count, s[j] == ";" {
                    let entity = String(String.UnicodeScalarView(s[(i + 1)..<j]))
                    if let decoded = decode(entity) { text += decoded; i = j + 1; continue }
                }
            }
            if text.isEmpty, collapse(String(s[i])).isEmpty == false, kind == .narrativeText, start < out.last?.end ?? 0 { start = i }
            text.unicodeScalars.append(s[i])
            i += 1
        }
        flush()
        return out
    }

    static func decode(_ entity: String) -> String? {
        switch entity {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos", "#39": return "'"
        case "nbsp": return " "
        case "mdash": return "—"
        case "ndash": return "–"
        default:
            if entity.hasPrefix("#x"), let v = UInt32(entity.dropFirst(2), radix: 16), let u = Unicode.Scalar(v) { return String(u) }
            if entity.hasPrefix("#"), let v = UInt32(entity.dropFirst()), let u = Unicode.Scalar(v) { return String(u) }
            return nil
        }
    }

    static func collapse(_ s: String) -> String {
        s.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
