/// A -t/-u service whose VIP:port a firewall-mark service's MARK rule also matches. Docs: lint-rules/LVS514.md
struct ServiceShadowedByFwmark: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS514", name: "service-shadowed-by-fwmark", severity: .info, inputs: [.ipvsadm, .firewall],
        summary: "An address service whose packets a MARK rule hands to a firewall-mark service first")

    func check(_ inputs: LintInputs, into report: inout Report) {
        let services = inputs.ipvs?.services ?? []
        for marked in FirewallMarks.services(inputs, report: &report) {
            for rule in marked.producers where FirewallMarks.isEligible(rule, in: marked.ruleset) {
                // A rule naming no destination marks everything: LVS506's case, not this one.
                guard let destination = rule.destination, !destination.negated else { continue }
                // Every new connection to the service, as the other firewall rules judge it.
                for service in services {
                    guard case .address = service.identity, service.identity.family == marked.ruleset.family,
                        rule.matches(service.packets) == .always
                    else { continue }
                    report.add(
                        "\(service.identity) never sees its packets: \(rule.table) \(rule.chain) marks them \(marked.mark) and the firewall-mark service \(marked.service.identity) is looked up first",
                        at: service.location, object: service.identity.objectKey,
                        related: [rule.location, marked.service.location])
                }
            }
        }
        // nftables: a rule, or a map element, that marks every new connection to the service.
        for (marked, mark, producers) in NFTMarks.markedServices(inputs) {
            for producer in producers {
                guard producer.selector != nil || MarkRuleTooBroad.namesDestination(producer.rule),
                    let table = inputs.nftables?.table(producer.rule.family, producer.rule.table)
                else { continue }
                for service in services {
                    guard case .address = service.identity, service.identity.family == marked.identity.family else { continue }
                    let packet = service.packets
                    var result = producer.rule.matches(packet, in: table)
                    if let (key, element) = producer.selector {
                        result = result.and(
                            NFTMatching.match(key, "==", element, packet, table: table, ruleFamily: producer.rule.family))
                    }
                    guard result == .always else { continue }
                    report.add(
                        "\(service.identity) never sees its packets: \(producer.rule.place) marks them \(mark) and the firewall-mark service \(marked.identity) is looked up first",
                        at: service.location, object: service.identity.objectKey,
                        related: [producer.rule.location, marked.location])
                }
            }
        }
    }
}
