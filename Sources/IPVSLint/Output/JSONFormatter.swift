/// `--format json`: a versioned document (`"version": 1`) for scripts.
enum JSONFormatter: ReportFormatter {
    static func render(_ report: LintReport) -> String {
        let result = report.result
        let (errors, warnings, infos) = report.counts
        func location(_ location: SourceLocation) -> JSONValue {
            var fields: [(String, JSONValue)] = [
                ("file", .string(location.file)), ("line", .number(location.line)), ("column", .number(location.column)),
            ]
            if let end = location.endColumn { fields.append(("endColumn", .number(end))) }
            return .object(fields)
        }
        let findings: [JSONValue] = result.findings.map { finding in
            .object([
                ("rule", .string(finding.ruleID)), ("name", .string(finding.ruleName)),
                ("severity", .string(finding.severity.rawValue)),
                ("message", .string(finding.message)), ("location", location(finding.location)),
                ("object", .string(finding.object)),
                ("fingerprint", .string(finding.fingerprint)), ("related", .array(finding.related.map(location))),
                ("documentation", .string(report.page(finding.ruleID))),
            ])
        }
        let document: JSONValue = .object([
            ("version", .number(1)),
            ("tool", .object([("name", .string("ipvs_exporter lint")), ("version", .string(report.version))])),
            ("findings", .array(findings)),
            ("summary", .object([("errors", .number(errors)), ("warnings", .number(warnings)), ("info", .number(infos))])),
            ("skipped", .array(result.skipped.map { .object([("rule", .string($0.0.id)), ("reason", .string($0.1))]) })),
            (
                "suppressed",
                .array(
                    result.suppressed.map {
                        .object([
                            ("rule", .string($0.0.ruleID)), ("location", location($0.0.location)),
                            ("reason", .string($0.1.reason)),
                        ])
                    })
            ),
        ])
        return document.rendered()
    }
}
