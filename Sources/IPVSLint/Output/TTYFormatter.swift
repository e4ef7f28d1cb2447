/// `--format tty`: for people, with the line, a caret under the finding and a summary.
enum TTYFormatter: ReportFormatter {
    static func render(_ report: LintReport) -> String {
        let result = report.result
        func paint(_ text: String, _ code: String) -> String { report.color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
        var out = ""
        for finding in result.findings {
            let severity: String
            switch finding.severity {
            case .error: severity = paint("error", "1;31")
            case .warning: severity = paint("warning", "1;33")
            case .info: severity = paint("info", "1;36")
            }
            out += "\(paint(finding.location.description, "1")): \(severity) \(paint(finding.ruleID, "1")) \(finding.message)\n"
            if let text = report.line(finding.location) {
                let number = String(finding.location.line)
                let gutter = String(repeating: " ", count: number.count)
                out += "\(gutter) |\n\(number) | \(text)\n"
                let width = max(1, (finding.location.endColumn ?? finding.location.column + 1) - finding.location.column)
                out +=
                    "\(gutter) | \(String(repeating: " ", count: max(0, finding.location.column - 1)))\(paint(String(repeating: "^", count: width), "1;31")) \(finding.ruleName)\n"
            }
            for related in finding.related.prefix(5) where related != finding.location {
                out += "  \(paint("related:", "2")) \(related)\n"
            }
            out += "\n"
        }
        let (errors, warnings, infos) = report.counts
        if result.findings.isEmpty {
            out += "No findings.\n"
        } else {
            out += "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"), \(infos) info.\n"
            let ids = Array(Set(result.findings.map(\.ruleID))).sorted()
            out +=
                "For more information: " + ids.map { "\($0) \(report.page($0))" }.joined(separator: "\n                      ")
                + "\n"
        }
        if report.verbose { out += report.verboseLines(prefix: "note: ") }
        return out
    }
}
