/// MARK in the nat table: only the first packet of each conntrack flow is marked. Docs: lint-rules/LVS503.md
struct MarkRuleInNATTable: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS503", name: "mark-rule-in-nat-table", severity: .warning, inputs: [.firewall],
        summary: "A MARK rule in the nat table, which only sees the first packet of a connection")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for ruleset in inputs.firewalls {
            for rule in ruleset.table("nat")?.rules ?? [] where rule.markOperation != nil {
                report.add(
                    "MARK in nat \(rule.chain) marks only the first packet of each connection: later packets, and a SYN that reuses a conntrack entry, stay unmarked; mark in mangle PREROUTING",
                    at: rule.location, object: rule.objectKey)
            }
        }
    }
}
