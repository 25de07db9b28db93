/// `junit.xml`: one test suite per scenario, one test case per expectation and per
/// built-in check, so CI systems list them individually.
public enum JUnitReport {
    public static func render(_ results: [LabResult], runName: String) -> String {
        let total = results.reduce(0) { $0 + $1.expectations.count + $1.checks.count }
        let failures = results.reduce(0) { $0 + $1.expectations.filter { !$0.passed }.count + $1.checks.filter { !$0.passed }.count }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"\(esc(runName))\" tests=\"\(total)\" failures=\"\(failures)\">\n"
        for r in results {
            let n = r.expectations.count + r.checks.count
            let f = r.expectations.filter { !$0.passed }.count + r.checks.filter { !$0.passed }.count
            out += "  <testsuite name=\"\(esc(r.scenario.name))\" tests=\"\(n)\" failures=\"\(f)\" file=\"\(esc(r.scenario.file))\">\n"
            out += "    <properties><property name=\"seed\" value=\"\(r.scenario.seed)\"/><property name=\"scenario_sha256\" value=\"\(r.scenario.sourceHash)\"/></properties>\n"
            for e in r.expectations {
                let name = e.expectation.name ?? e.expectation.text
                out += "    <testcase classname=\"\(esc(r.scenario.name)).expect\" name=\"\(esc(name))\" file=\"\(esc(r.scenario.file))\" line=\"\(e.expectation.line)\""
                if e.passed { out += "/>\n" } else {
                    out += ">\n      <failure message=\"\(esc(e.message))\">\(esc(e.message))\nreproduce: dcoder lab run \(esc(r.scenario.file)) --seed \(r.scenario.seed)</failure>\n    </testcase>\n"
                }
            }
            for c in r.checks {
                out += "    <testcase classname=\"\(esc(r.scenario.name)).check\" name=\"\(esc(c.name)): \(esc(c.summary))\""
                if c.passed { out += "/>\n" } else {
                    let text = c.details.joined(separator: "\n")
                    out += ">\n      <failure message=\"\(esc(c.details.first ?? c.name))\">\(esc(text))</failure>\n    </testcase>\n"
                }
            }
            out += "  </testsuite>\n"
        }
        return out + "</testsuites>\n"
    }

    static func esc(_ s: String) -> String {
        var o = ""
        for c in s {
            switch c {
            case "&": o += "&amp;"
            case "<": o += "&lt;"
            case ">": o += "&gt;"
            case "\"": o += "&quot;"
            case "'": o += "&apos;"
            default: o.append(c)
            }
        }
        return o
    }
}
