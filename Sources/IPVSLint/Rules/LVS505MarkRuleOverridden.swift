import IPVSModel

/// Two whole-mark MARK rules with the same match in one chain: the first one is dead. Only
/// when one of the two marks is a firewall-mark service's: other marks are not IPVS's
/// business. Docs: lint-rules/LVS505.md
struct MarkRuleOverridden: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS505", name: "mark-rule-overridden", severity: .warning, inputs: [.ipvsadm, .firewall],
        summary: "A MARK rule whose mark a later MARK rule with the same match replaces")

    func check(_ inputs: LintInputs, into report: inout Report) {
        let services = FirewallMarks.services(inputs, report: &report)
        for family in [IPAddress.Family.ipv4, .ipv6] {
            guard let ruleset = inputs.firewall(for: family) else { continue }
            let marks = Set(services.filter { $0.service.identity.family == family }.map(\.mark))
            for table in ruleset.tables {
                var lastByMatch: [String: IPTablesRule] = [:]
                for rule in table.rules {
                    guard let mark = rule.markOperation, mark.setsWholeMark else { continue }
                    let match =
                        rule.chain + "|"
                        + String((rule.text.firstRange(of: " -j ").map { rule.text[..<$0.lowerBound] }) ?? rule.text[...])
                    if let earlier = lastByMatch[match], let replaced = earlier.markOperation, replaced.value != mark.value,
                        marks.contains(replaced.value) || marks.contains(mark.value)
                    {
                        report.add(
                            "\(table.name) \(rule.chain): this MARK \(replaced) is replaced by the MARK \(mark) of a later rule with the same match, so no packet keeps it",
                            at: earlier.location, object: earlier.objectKey, related: [rule.location])
                    }
                    lastByMatch[match] = rule
                }
            }
        }
    }
}
