/// Inline suppressions: `# ipvs-lint: disable=LVS201,dr-tun-port-mismatch -- reason`.
///
/// On its own line it covers the next statement of the same file; after a statement it covers
/// that line; `disable-file=` covers the whole file. A reason after `--` is required: a
/// suppression nobody can explain later is a finding hidden, not a decision.
public struct Suppression: Sendable, Hashable {
    public var rules: [String]
    public var reason: String
    public var location: SourceLocation
    /// nil for the whole file.
    public var coveredLine: Int?
    /// For ignores by object (`.ipvs-lint.yaml` `ignore:`, `--baseline`): the finding's object
    /// key, in whatever file the finding is; the location is then the ignore's own.
    public var object: String?

    public init(rules: [String], reason: String, location: SourceLocation, coveredLine: Int? = nil, object: String? = nil) {
        self.rules = rules
        self.reason = reason
        self.location = location
        self.coveredLine = coveredLine
        self.object = object
    }

    public static let marker = "ipvs-lint:"

    /// Reads every pragma of a file. Lines are comments in all inputs (`#` in ipvsadm files,
    /// iptables-save and sysctl files).
    public static func scan(_ file: SourceFile, knownRules: (String) -> String?) throws(LintInputError) -> [Suppression] {
        var found: [Suppression] = []
        var pendingForNextStatement: [Suppression] = []
        for (index, line) in file.lines.enumerated() {
            let number = index + 1
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            let isCommentLine = trimmed.hasPrefix("#") || trimmed.hasPrefix(";")
            if !trimmed.isEmpty && !isCommentLine {
                for var pending in pendingForNextStatement {
                    pending.coveredLine = number
                    found.append(pending)
                }
                pendingForNextStatement = []
            }
            // Most lines have no '#' at all: skip the substring search for them.
            guard line.utf8.contains(UInt8(ascii: "#")),
                let range = line.firstRange(of: "# " + marker) ?? line.firstRange(of: "#" + marker)
            else { continue }
            let column = line.distance(from: line.startIndex, to: range.lowerBound) + 1
            let text = line[range.upperBound...].drop { $0 == " " }
            let location = SourceLocation(file: file.id, line: number, column: column, endColumn: line.count + 1)
            let wholeFile: Bool
            let list: Substring
            if text.hasPrefix("disable-file=") {
                wholeFile = true
                list = text.dropFirst("disable-file=".count)
            } else if text.hasPrefix("disable=") {
                wholeFile = false
                list = text.dropFirst("disable=".count)
            } else {
                throw LintInputError(
                    location, found: LintInputError.quote(text),
                    expected: "\(marker) disable=RULES -- reason, or disable-file=RULES -- reason")
            }
            guard let separator = list.firstRange(of: " -- ") ?? list.firstRange(of: "--") else {
                throw LintInputError(
                    location, found: LintInputError.quote(list),
                    expected: "a reason after the rules: disable=LVS201 -- why this is fine")
            }
            let reason = list[separator.upperBound...].trimmingCharacters(in: " \t")
            guard !reason.isEmpty else {
                throw LintInputError(location, found: "an empty reason", expected: "a reason after \"--\"")
            }
            var rules: [String] = []
            for word in list[..<separator.lowerBound].split(separator: ",").map({ $0.trimmingCharacters(in: " \t") }) {
                guard let id = knownRules(word) else {
                    throw LintInputError(
                        location, found: LintInputError.quote(word), expected: "a rule ID (LVS201) or name (dr-tun-port-mismatch)"
                    )
                }
                rules.append(id)
            }
            guard !rules.isEmpty else { throw LintInputError(location, found: "no rules", expected: "disable=RULE[,RULE…]") }
            var suppression = Suppression(rules: rules, reason: reason, location: location, coveredLine: nil)
            if wholeFile {
                found.append(suppression)
            } else if isCommentLine {
                pendingForNextStatement.append(suppression)
            } else {
                suppression.coveredLine = number
                found.append(suppression)
            }
        }
        return found
    }

    func covers(_ finding: Finding) -> Bool {
        guard rules.contains(finding.ruleID) else { return false }
        if let object { return finding.object == object || finding.formerObject == object }
        guard finding.location.source == location.source else { return false }
        return coveredLine == nil || coveredLine == finding.location.line
    }
}
