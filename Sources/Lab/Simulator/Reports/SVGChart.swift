import Foundation

/// Small, dependency-free SVG charts for the HTML report (inline, no scripts, no fetches).
enum SVGChart {
    static let palette = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#ca8a04", "#db2777", "#4b5563", "#65a30d"]

    struct Series {
        var name: String
        var points: [(x: Double, y: Double)]
    }

    static func num(_ v: Double) -> String { String(format: "%.1f", v) }

    static func tick(_ v: Double) -> String {
        if v == 0 { return "0" }
        if abs(v) >= 1000 { return String(format: "%.0f", v) }
        if abs(v) >= 10 { return String(format: "%.0f", v) }
        if abs(v) >= 1 { return String(format: "%.1f", v) }
        return String(format: "%.3g", v)
    }

    /// A line chart; `markers` are vertical lines at x positions with a label.
    static func lines(_ series: [Series], title: String, xLabel: String, yLabel: String,
                      markers: [(x: Double, label: String)] = [], width: Double = 640, height: Double = 260) -> String {
        let left = 56.0, right = 150.0, top = 28.0, bottom = 40.0
        let plotW = width - left - right, plotH = height - top - bottom
        let xs = series.flatMap { $0.points.map(\.x) } + markers.map(\.x)
        let ys = series.flatMap { $0.points.map(\.y) }
        let xMin = xs.min() ?? 0, xMax = max(xs.max() ?? 1, xMin + 1e-9)
        let yMax = max(ys.max() ?? 1, 1e-9) * 1.08
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotW }
        func py(_ y: Double) -> Double { top + plotH - y / yMax * plotH }
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTMLReport.esc(title))\">"
        s += "<text x=\"\(num(left))\" y=\"16\" class=\"ct\">\(HTMLReport.esc(title))</text>"
        for i in 0...4 {
            let y = yMax * Double(i) / 4
            s += "<line x1=\"\(num(left))\" x2=\"\(num(left + plotW))\" y1=\"\(num(py(y)))\" y2=\"\(num(py(y)))\" class=\"grid\"/>"
            s += "<text x=\"\(num(left - 6))\" y=\"\(num(py(y) + 4))\" class=\"ax\" text-anchor=\"end\">\(tick(y))</text>"
        }
        for i in 0...4 {
            let x = xMin + (xMax - xMin) * Double(i) / 4
            s += "<text x=\"\(num(px(x)))\" y=\"\(num(top + plotH + 16))\" class=\"ax\" text-anchor=\"middle\">\(tick(x))</text>"
        }
        s += "<text x=\"\(num(left + plotW / 2))\" y=\"\(num(height - 4))\" class=\"ax\" text-anchor=\"middle\">\(HTMLReport.esc(xLabel))</text>"
        s += "<text x=\"12\" y=\"\(num(top + plotH / 2))\" class=\"ax\" text-anchor=\"middle\" transform=\"rotate(-90 12 \(num(top + plotH / 2)))\">\(HTMLReport.esc(yLabel))</text>"
        for m in markers {
            s += "<line x1=\"\(num(px(m.x)))\" x2=\"\(num(px(m.x)))\" y1=\"\(num(top))\" y2=\"\(num(top + plotH))\" class=\"mark\"><title>\(HTMLReport.esc(m.label))</title></line>"
        }
        for (i, ser) in series.enumerated() {
            let color = palette[i % palette.count]
            let pts = ser.points.map { "\(num(px($0.x))),\(num(py($0.y)))" }.joined(separator: " ")
            s += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(pts)\"><title>\(HTMLReport.esc(ser.name))</title></polyline>"
            let ly = top + Double(i) * 16 + 8
            s += "<rect x=\"\(num(left + plotW + 12))\" y=\"\(num(ly - 8))\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
            s += "<text x=\"\(num(left + plotW + 26))\" y=\"\(num(ly + 1))\" class=\"ax\">\(HTMLReport.esc(ser.name))</text>"
        }
        return s + "</svg>"
    }

    /// Stacked bars of successes (green) and failures (red) per time bucket.
    static func outcomes(ok: [Int], failed: [Int], bucketSeconds: Double, title: String,
                         markers: [(x: Double, label: String)], width: Double = 640, height: Double = 240) -> String {
        let left = 56.0, right = 150.0, top = 28.0, bottom = 40.0
        let plotW = width - left - right, plotH = height - top - bottom
        let n = max(ok.count, 1)
        let yMax = Double(max(zip(ok, failed).map { $0 + $1 }.max() ?? 1, 1)) * 1.08
        let bw = plotW / Double(n)
        let total = bucketSeconds * Double(n)
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"\(HTMLReport.esc(title))\">"
        s += "<text x=\"\(num(left))\" y=\"16\" class=\"ct\">\(HTMLReport.esc(title))</text>"
        for i in 0...4 {
            let v = yMax * Double(i) / 4, y = top + plotH - v / yMax * plotH
            s += "<line x1=\"\(num(left))\" x2=\"\(num(left + plotW))\" y1=\"\(num(y))\" y2=\"\(num(y))\" class=\"grid\"/>"
            s += "<text x=\"\(num(left - 6))\" y=\"\(num(y + 4))\" class=\"ax\" text-anchor=\"end\">\(tick(v))</text>"
        }
        for i in 0..<ok.count {
            let x = left + Double(i) * bw
            let hOK = Double(ok[i]) / yMax * plotH, hF = Double(failed[i]) / yMax * plotH
            let tip = "\(DurationText.seconds(Double(i) * bucketSeconds))–\(DurationText.seconds(Double(i + 1) * bucketSeconds)): \(ok[i]) ok, \(failed[i]) failed"
            s += "<g><title>\(HTMLReport.esc(tip))</title>"
            s += "<rect x=\"\(num(x + 0.5))\" y=\"\(num(top + plotH - hOK))\" width=\"\(num(max(bw - 1, 0.5)))\" height=\"\(num(hOK))\" fill=\"#16a34a\"/>"
            s += "<rect x=\"\(num(x + 0.5))\" y=\"\(num(top + plotH - hOK - hF))\" width=\"\(num(max(bw - 1, 0.5)))\" height=\"\(num(hF))\" fill=\"#dc2626\"/></g>"
        }
        for m in markers {
            let x = left + m.x / max(total, 1e-9) * plotW
            s += "<line x1=\"\(num(x))\" x2=\"\(num(x))\" y1=\"\(num(top))\" y2=\"\(num(top + plotH))\" class=\"mark\"><title>\(HTMLReport.esc(m.label))</title></line>"
        }
        for i in 0...4 {
            let v = total * Double(i) / 4
            s += "<text x=\"\(num(left + plotW * Double(i) / 4))\" y=\"\(num(top + plotH + 16))\" class=\"ax\" text-anchor=\"middle\">\(DurationText.seconds(v))</text>"
        }
        s += "<text x=\"\(num(left + plotW / 2))\" y=\"\(num(height - 4))\" class=\"ax\" text-anchor=\"middle\">virtual time</text>"
        s += "<rect x=\"\(num(left + plotW + 12))\" y=\"28\" width=\"10\" height=\"10\" fill=\"#16a34a\"/><text x=\"\(num(left + plotW + 26))\" y=\"37\" class=\"ax\">succeeded</text>"
        s += "<rect x=\"\(num(left + plotW + 12))\" y=\"44\" width=\"10\" height=\"10\" fill=\"#dc2626\"/><text x=\"\(num(left + plotW + 26))\" y=\"53\" class=\"ax\">failed</text>"
        return s + "</svg>"
    }
}

enum DurationText {
    static func seconds(_ s: Double) -> String {
        if s == 0 { return "0" }
        if s < 120 { return String(format: "%.0fs", s) }
        if s < 7200 { return String(format: "%.0fm", s / 60) }
        if s < 172_800 { return String(format: "%.1fh", s / 3600) }
        return String(format: "%.1fd", s / 86400)
    }
}
