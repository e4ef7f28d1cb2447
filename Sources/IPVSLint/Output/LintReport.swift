/// What a formatter needs: the result, the inputs (for source lines) and the tool facts.
public struct LintReport: Sendable {
    public var result: Linter.Result
    public var files: [SourceFile]
    public var rules: [RuleMetadata]
    public var version: String
    /// Base URL of the rule pages; a page is `<base>LVS201.md`.
    public var documentationBase: String
    public var verbose: Bool
    public var color: Bool

    public init(
        result: Linter.Result, files: [SourceFile], rules: [RuleMetadata] = RuleRegistry.all.map { $0.metadata }, version: String,
        documentationBase: String = defaultDocumentationBase, verbose: Bool = false, color: Bool = false
    ) {
        self.result = result
        self.files = files
        self.rules = rules
        self.version = version
        self.documentationBase = documentationBase
        self.verbose = verbose
        self.color = color
    }

    public static let defaultDocumentationBase = "https://github.com/ipvs-exporter/ipvs_exporter/blob/main/lint-rules/"

    public func render(_ format: OutputFormat) -> String {
        format.formatter.render(self)
    }

    // MARK: - Shared by several formats

    func line(_ location: SourceLocation) -> Substring? {
        files.first { $0.id == location.source }?.line(location.line)
    }

    func page(_ id: String) -> String { documentationBase + id + ".md" }

    var counts: (errors: Int, warnings: Int, infos: Int) {
        let findings = result.findings
        return (
            findings.filter { $0.severity == .error }.count, findings.filter { $0.severity == .warning }.count,
            findings.filter { $0.severity == .info }.count
        )
    }

    /// `--verbose`'s skipped rules, unchecked notes and suppressed findings (concise and tty).
    func verboseLines(prefix: String) -> String {
        var out = ""
        for (rule, why) in result.skipped { out += "\(prefix)skipped \(rule.id) (\(rule.name)): \(why)\n" }
        for (rule, note) in result.notes { out += "\(prefix)\(rule.id) (\(rule.name)) did not check \(note)\n" }
        for (kind, location) in result.unread { out += "\(prefix)\(kind) (\(location))\n" }
        for (finding, suppression) in result.suppressed {
            out +=
                "\(prefix)suppressed \(finding.ruleID) at \(finding.location) by \(suppression.location): \(suppression.reason)\n"
        }
        return out
    }
}
