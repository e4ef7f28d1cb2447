import IPVS

/// A -t/-u service whose VIP:port a firewall-mark service's MARK rule also matches. Docs: lint-rules/LVS514.md
struct ServiceShadowedByFwmark: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS514", name: "service-shadowed-by-fwmark", severity: .info, inputs: [.ipvsadm, .firewall],
        summary: "An address service whose packets a MARK rule hands to a firewall-mark service first")

    func check(_ inputs: LintInputs, into report: inout Report) {
        let services = inputs.ipvs?.services ?? []
        for marked in FirewallMarks.services(inputs, report: &report) {
            for rule in marked.producers where FirewallMarks.isEligible(rule, in: marked.ruleset) {
                for service in services {
                    guard case .address(let proto, let host, let port) = service.identity, let vip = host.address,
                        vip.family == marked.ruleset.family, let number = port.number
                    else { continue }
                    guard let destination = rule.destination, !destination.negated, let networks = destination.networks,
                        networks.contains(where: { $0.contains(vip) })
                    else { continue }
                    if let ruleProto = rule.proto {
                        guard !ruleProto.negated, ruleProto.name.lowercased() == proto.description.lowercased() else { continue }
                    }
                    if let ports = rule.destinationPorts, ports.contains(number) != true { continue }
                    report.add(
                        "\(service.identity) never sees its packets: \(rule.table) \(rule.chain) marks them \(marked.mark) and the firewall-mark service \(marked.service.identity) is looked up first",
                        at: service.location, object: service.identity.objectKey, related: [rule.location, marked.service.location])
                }
            }
        }
    }
}
