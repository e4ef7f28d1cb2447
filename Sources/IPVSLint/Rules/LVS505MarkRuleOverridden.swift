/// Two whole-mark MARK rules with the same match in one chain: the first one is dead. Docs: lint-rules/LVS505.md
struct MarkRuleOverridden: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS505", name: "mark-rule-overridden", severity: .warning, inputs: [.firewall],
        summary: "A MARK rule whose mark a later MARK rule with the same match replaces")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for ruleset in inputs.firewalls {
            for table in ruleset.tables {
                var lastByMatch: [String: IPTablesRule] = [:]
                for rule in table.rules {
                    guard let mark = rule.markOperation, mark.setsWholeMark else { continue }
                    let match =
                        rule.chain + "|"
                        + String((rule.text.firstRange(of: " -j ").map { rule.text[..<$0.lowerBound] }) ?? rule.text[...])
                    if let earlier = lastByMatch[match], earlier.markOperation?.value != mark.value {
                        report.add(
                            "\(table.name) \(rule.chain): this MARK \(earlier.markOperation!) is replaced by the MARK \(mark) of a later rule with the same match, so no packet keeps it",
                            at: earlier.location, object: earlier.objectKey, related: [rule.location])
                    }
                    lastByMatch[match] = rule
                }
            }
        }
    }
}
