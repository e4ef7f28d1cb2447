import SystemSupport

/// `--format junit`: JUnit XML, one failed test case per finding, so CI test reports show them;
/// a clean run is one passing case.
enum JUnitFormatter: ReportFormatter {
    static func render(_ report: LintReport) -> String {
        let findings = report.result.findings
        let xml = TextEscaping.xml
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites name=\"ipvs-lint\" tests=\"\(max(1, findings.count))\" failures=\"\(findings.count)\">\n"
        out +=
            "  <testsuite name=\"ipvs-lint\" tests=\"\(max(1, findings.count))\" failures=\"\(findings.count)\" errors=\"0\">\n"
        if findings.isEmpty {
            out += "    <testcase classname=\"ipvs-lint\" name=\"no findings\"/>\n"
        }
        for finding in findings {
            out +=
                "    <testcase classname=\"\(xml(finding.location.file))\" name=\"\(finding.ruleID) \(xml(finding.location.description))\">\n"
            out +=
                "      <failure type=\"\(finding.severity.rawValue)\" message=\"\(xml(finding.message))\">\(xml("\(finding.location): \(finding.ruleID) \(finding.ruleName): \(finding.message)\nSee \(report.page(finding.ruleID))"))</failure>\n"
            out += "    </testcase>\n"
        }
        return out + "  </testsuite>\n</testsuites>\n"
    }
}
