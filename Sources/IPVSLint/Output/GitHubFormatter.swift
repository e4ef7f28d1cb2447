/// `--format github`: GitHub Actions workflow commands (`::error file=…::message`), which the
/// runner turns into annotations on the pull request.
enum GitHubFormatter: ReportFormatter {
    static func render(_ report: LintReport) -> String {
        // Actions shows 10 annotations of each kind per step: errors first.
        let ordered = report.result.findings.sorted { ($1.severity, $0.location) < ($0.severity, $1.location) }
        var out = ""
        for finding in ordered {
            let command = finding.severity == .error ? "error" : finding.severity == .warning ? "warning" : "notice"
            var properties =
                "file=\(escapeProperty(finding.location.file)),line=\(finding.location.line),col=\(finding.location.column)"
            if let end = finding.location.endColumn { properties += ",endColumn=\(end)" }
            properties += ",title=\(escapeProperty("\(finding.ruleID) \(finding.ruleName)"))"
            out += "::\(command) \(properties)::\(escapeData("\(finding.message) (\(report.page(finding.ruleID)))"))\n"
        }
        let (errors, warnings, infos) = report.counts
        out +=
            "ipvs-lint: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"), \(infos) info\n"
        return out
    }

    /// The runner's own escaping (actions/toolkit `escapeData`): a newline would end the command.
    static func escapeData(_ text: String) -> String {
        text.replacingAll("%", "%25").replacingAll("\r", "%0D").replacingAll("\n", "%0A")
    }

    /// In a property `:` and `,` would end the value.
    static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingAll(":", "%3A").replacingAll(",", "%2C")
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, _ replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            out += rest[..<range.lowerBound]
            out += replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}
