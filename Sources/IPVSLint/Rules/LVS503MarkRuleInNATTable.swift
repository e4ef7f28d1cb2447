import IPVSModel

/// MARK in the nat table: only the first packet of each conntrack flow is marked. Only a mark
/// some firewall-mark service uses is IPVS's business: Kubernetes and Docker mark in nat for
/// their own ends (KUBE-MARK-MASQ). Docs: lint-rules/LVS503.md
struct MarkRuleInNATTable: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS503", name: "mark-rule-in-nat-table", severity: .warning, inputs: [.ipvsadm, .firewall],
        summary: "A MARK rule in the nat table, which only sees the first packet of a connection")

    func check(_ inputs: LintInputs, into report: inout Report) {
        let services = FirewallMarks.services(inputs, report: &report)
        for family in [IPAddress.Family.ipv4, .ipv6] {
            guard let ruleset = inputs.firewall(for: family) else { continue }
            let marks = services.filter { $0.service.identity.family == family }.map(\.mark)
            for rule in ruleset.table("nat")?.rules ?? [] {
                guard let operation = rule.markOperation, marks.contains(where: operation.canProduce) else { continue }
                report.add(
                    "MARK in nat \(rule.chain) marks only the first packet of each connection: later packets, and a SYN that reuses a conntrack entry, stay unmarked; mark in mangle PREROUTING",
                    at: rule.location, object: rule.objectKey)
            }
        }
        // nftables: `meta mark set` in a chain of type nat, or one a nat chain jumps to.
        var reported = Set<SourceLocation>()
        for (_, _, producers) in NFTMarks.markedServices(inputs, includingLate: true) {
            for producer in producers where producer.inNATChain && !producer.isRestore {
                guard reported.insert(producer.rule.location).inserted else { continue }
                report.add(
                    "\(producer.rule.place) sets the mark in a chain of type nat, which sees only the first packet of each connection: later packets stay unmarked; set it in a filter chain hooked at prerouting",
                    at: producer.rule.location, object: producer.rule.objectKey)
            }
        }
    }
}
