/// `--baseline FILE`: findings a fleet has accepted, so adopting the linter fails only on new
/// ones. One finding per line, tab-separated: rule, object key, the message when it was
/// accepted. Matched by rule and object (not line: ipvsadm-save reorders its output), so an
/// entry survives edits elsewhere in the file; an entry that no longer matches is reported
/// (LVS902) so the baseline shrinks as findings are fixed.
public enum Baseline {
    static let header = """
        # ipvs_exporter lint baseline: accepted findings, one per line (rule, object, message).
        # Listed findings are not reported; entries that match nothing are (LVS902).
        # Rewrite with: ipvs_exporter lint … --baseline FILE --update-baseline

        """

    /// The file's entries as suppressions located at their lines.
    public static func read(_ file: SourceFile, knownRules: (String) -> String?) throws(LintInputError) -> [Suppression] {
        var entries: [Suppression] = []
        for (index, line) in file.lines.enumerated() {
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false)
            let location = SourceLocation(file: file.id, line: index + 1)
            guard fields.count >= 2, !fields[1].isEmpty else {
                throw LintInputError(
                    location, found: LintInputError.quote(line),
                    expected: "RULE<tab>OBJECT<tab>MESSAGE, as --update-baseline writes")
            }
            guard let rule = knownRules(String(fields[0])) else {
                throw LintInputError(location, found: LintInputError.quote(fields[0]), expected: "a rule ID (LVS201)")
            }
            entries.append(
                Suppression(
                    rules: [rule], reason: "accepted in the baseline \(file.name)", location: location, object: String(fields[1]))
            )
        }
        return entries
    }

    /// The text of a baseline accepting `findings`, sorted and without repeats.
    public static func render(_ findings: [Finding]) -> String {
        var seen = Set<String>()
        var lines: [String] = []
        for finding in findings.sorted(by: { ($0.ruleID, $0.object) < ($1.ruleID, $1.object) }) {
            let key = finding.ruleID + "\t" + finding.object
            guard seen.insert(key).inserted else { continue }
            let message = finding.message.replacing("\t", with: " ").replacing("\n", with: " ")
            lines.append(key + "\t" + message)
        }
        return header + lines.map { $0 + "\n" }.joined()
    }
}
