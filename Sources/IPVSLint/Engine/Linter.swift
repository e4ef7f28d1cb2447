import Dispatch
import Synchronization

/// Runs the rules over the inputs.
public struct Linter: Sendable {
    public var rules: [any LintRule.Type]
    /// Per-rule severity overrides.
    public var severityOverrides: [String: Severity] = [:]
    /// Rules turned off (`.ipvs-lint.yaml`), by ID, with where that was said.
    public var disabled: [String: SourceLocation] = [:]

    public init(rules: [any LintRule.Type] = RuleRegistry.all) {
        self.rules = rules
    }

    public struct Result: Sendable {
        /// Sorted by file, line, column, rule: the same input always prints the same way.
        public var findings: [Finding]
        public var suppressed: [(Finding, Suppression)]
        /// Rules that did not run, with why, for --verbose.
        public var skipped: [(RuleMetadata, String)]
        /// Parts of checks that could not run.
        public var notes: [(RuleMetadata, String)]
        public var suppressions: [Suppression]
        /// What an input holds that no rule reads (nftables statements kept by name, each kind
        /// where it first appears; iptables-save tables nftables shows too), for --verbose.
        public var unread: [(String, SourceLocation)] = []
    }

    public func run(_ given: LintInputs, suppressions: [Suppression] = []) -> Result {
        let (inputs, duplicateTables) = given.givingNFTItsTables()
        var findings: [Finding] = []
        var skipped: [(RuleMetadata, String)] = []
        var notes: [(RuleMetadata, String)] = []
        let available = inputs.available
        // Rules are independent pure functions of the inputs: run them on every core, then
        // gather in registry order so the output never depends on scheduling.
        let rules = self.rules
        let reports = Mutex<[Int: Report]>([:])
        let disabled = self.disabled
        DispatchQueue.concurrentPerform(iterations: rules.count) { index in
            let metadata = rules[index].metadata
            guard metadata.inputs.allSatisfy(available.contains), disabled[metadata.id] == nil else { return }
            var report = Report(rule: metadata)
            rules[index].init().check(inputs, into: &report)
            reports.withLock { $0[index] = report }
        }
        let done = reports.withLock { $0 }
        for (index, rule) in rules.enumerated() {
            let metadata = rule.metadata
            if let location = disabled[metadata.id] {
                skipped.append((metadata, "disabled at \(location)"))
                continue
            }
            let missing = metadata.inputs.filter { !available.contains($0) }
            guard missing.isEmpty, let report = done[index] else {
                skipped.append((metadata, "needs " + missing.map(\.description).joined(separator: ", ")))
                continue
            }
            var ruleFindings = report.findings
            if let override = severityOverrides[metadata.id] {
                for index in ruleFindings.indices { ruleFindings[index].severity = override }
            }
            if let ipvs = inputs.ipvs, ipvs.fromKeepalived {
                ruleFindings = Self.mergingExpandedMembers(ruleFindings, in: ipvs.sourceNames)
                if !ipvs.formerAddressTexts.isEmpty {
                    for index in ruleFindings.indices {
                        ruleFindings[index].formerObject = Self.formerObject(ruleFindings[index].object, ipvs.formerAddressTexts)
                    }
                }
            }
            findings += ruleFindings
            notes += report.notes.map { (metadata, $0) }
        }
        var kept: [Finding] = []
        var suppressed: [(Finding, Suppression)] = []
        var used = Set<Int>()
        var outdated: [(Suppression, Finding)] = []
        for finding in findings {
            if let index = suppressions.firstIndex(where: { $0.covers(finding) }) {
                suppressed.append((finding, suppressions[index]))
                used.insert(index)
                if let object = suppressions[index].object, object != finding.object {
                    outdated.append((suppressions[index], finding))
                }
            } else {
                kept.append(finding)
            }
        }
        // A suppression that covers nothing hides nothing today but will hide tomorrow's
        // finding: say so (LVS902), unless that rule is itself off.
        let unusedRule = UnusedSuppression.metadata
        if disabled[unusedRule.id] == nil, rules.contains(where: { $0.metadata.id == unusedRule.id }) {
            var report = Report(rule: unusedRule)
            for (suppression, finding) in outdated {
                report.add(
                    "\(suppression.rules.joined(separator: ",")) for \(suppression.object ?? "") names the finding by the key releases before 0.9 gave it; it still matches in this release only: write \(finding.object) (a baseline: rewrite it with --update-baseline)",
                    at: suppression.location, object: "suppression-key=\(suppression.object ?? "")", severity: .info)
            }
            for (index, suppression) in suppressions.enumerated() where !used.contains(index) {
                let what =
                    suppression.object.map { "ignore of \(suppression.rules.joined(separator: ",")) for \($0)" }
                    ?? "ipvs-lint: disable=\(suppression.rules.joined(separator: ","))"
                report.add(
                    "\(what) suppresses nothing: the finding it was written for is gone; remove it",
                    at: suppression.location,
                    object:
                        "suppression=\(suppression.location.file)/\(suppression.rules.joined(separator: ","))/\(suppression.object ?? String(suppression.coveredLine ?? 0))",
                    severity: severityOverrides[unusedRule.id])
            }
            for finding in report.findings {
                // An unused suppression can itself only be silenced file-wide.
                if let index = suppressions.firstIndex(where: { $0.object == nil && $0.coveredLine == nil && $0.covers(finding) })
                {
                    suppressed.append((finding, suppressions[index]))
                } else {
                    kept.append(finding)
                }
            }
        }
        kept.sort { ($0.location, $0.ruleID, $0.message) < ($1.location, $1.ruleID, $1.message) }
        let unread =
            ((inputs.nftables?.opaque ?? [:]).map { ("nftables \($0.key): not read by any rule", $0.value) } + duplicateTables)
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        return Result(
            findings: kept, suppressed: suppressed, skipped: skipped, notes: notes, suppressions: suppressions, unread: unread)
    }

    /// A finding's key as releases before 0.9 wrote it for keepalived input: each path part
    /// that is a real server as now named (`10.0.0.11:8080`) as it was then (`10.0.0.11`).
    static func formerObject(_ object: String, _ former: [String: String]) -> String? {
        var changed = false
        let parts = object.split(separator: "/", omittingEmptySubsequences: false).map { part -> Substring in
            guard let old = former[String(part)] else { return part }
            changed = true
            return Substring(old)
        }
        return changed ? parts.joined(separator: "/") : nil
    }

    /// One keepalived statement stands for several services when it names a range, a CIDR
    /// block or a group: a rule that fires for each of them reports once, at that statement,
    /// naming the other members. Only in keepalived's own files, where one statement is one
    /// object unless expanded.
    static func mergingExpandedMembers(_ findings: [Finding], in files: Set<SourceName>) -> [Finding] {
        var groups: [SourceLocation: [Finding]] = [:]
        var order: [SourceLocation] = []
        var out: [Finding] = []
        for finding in findings {
            guard files.contains(finding.location.source) else {
                out.append(finding)
                continue
            }
            if groups[finding.location] == nil { order.append(finding.location) }
            groups[finding.location, default: []].append(finding)
        }
        for location in order {
            guard let members = groups[location] else { continue }
            let objects = Set(members.map(\.object))
            guard objects.count > 1 else {
                out += members
                continue
            }
            var merged = members[0]
            // In the order the statement names them.
            var seen: Set<String> = [merged.object]
            let others = members.map(\.object).filter { seen.insert($0).inserted }
            let shown = others.prefix(5).map { $0.drop { $0 != "=" }.dropFirst() }.joined(separator: ", ")
            merged.message +=
                " (the same for \(others.count) more member\(others.count == 1 ? "" : "s") of this statement: \(shown)\(others.count > 5 ? ", …" : ""))"
            out.append(merged)
        }
        return out
    }
}
