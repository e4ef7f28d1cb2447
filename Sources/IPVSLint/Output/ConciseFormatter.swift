/// `--format concise`: `file:line:col: LVS201 [error] message`, one line per finding.
enum ConciseFormatter: ReportFormatter {
    static func render(_ report: LintReport) -> String {
        var out = report.result.findings.map { "\($0.location): \($0.ruleID) [\($0.severity.rawValue)] \($0.message)\n" }.joined()
        if report.verbose { out += report.verboseLines(prefix: "") }
        return out
    }
}
