/// One `--format`, in its own file named after it (as hadolint and ruff keep theirs), so a
/// format's quirks stay next to each other and away from the other six.
protocol ReportFormatter {
    static func render(_ report: LintReport) -> String
}
