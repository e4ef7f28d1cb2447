/// A MARK producer for a -f service without -d, --dport or a set match: everything is balanced away. Docs: lint-rules/LVS506.md
struct MarkRuleTooBroad: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS506", name: "mark-rule-too-broad", severity: .warning, inputs: [.ipvsadm, .firewall],
        summary: "A MARK rule feeding a firewall-mark service matches no destination address or port")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for marked in FirewallMarks.services(inputs, report: &report) {
            for rule in marked.producers
            where rule.destination == nil && rule.destinationPorts == nil && !rule.matches.contains(where: { $0.name == "set" }) {
                report.add(
                    "\(rule.table) \(rule.chain) marks every packet for \(marked.service.identity) (no -d, --dport or set match): traffic to the director itself, SSH included, is balanced to the real servers",
                    at: rule.location, object: rule.objectKey, related: [marked.service.location])
            }
        }
    }
}
