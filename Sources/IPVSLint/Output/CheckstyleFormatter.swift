import SystemSupport

/// `--format checkstyle`: Checkstyle 4.3 XML, which Jenkins' warnings plugin and others read.
enum CheckstyleFormatter: ReportFormatter {
    static func render(_ report: LintReport) -> String {
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<checkstyle version=\"4.3\">\n"
        let byFile = Dictionary(grouping: report.result.findings, by: \.location.file)
        for file in byFile.keys.sorted() {
            out += "  <file name=\"\(TextEscaping.xml(file))\">\n"
            for finding in byFile[file]! {
                out +=
                    "    <error line=\"\(finding.location.line)\" column=\"\(finding.location.column)\" severity=\"\(finding.severity.rawValue)\" message=\"\(TextEscaping.xml(finding.message))\" source=\"ipvs-lint.\(finding.ruleID).\(finding.ruleName)\"/>\n"
            }
            out += "  </file>\n"
        }
        return out + "</checkstyle>\n"
    }
}
