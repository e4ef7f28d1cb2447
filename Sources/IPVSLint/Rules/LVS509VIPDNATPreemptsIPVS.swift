import IPVS

/// DNAT or REDIRECT on a VIP:port that an address service owns: nat PREROUTING rewrites the
/// destination before IPVS looks. Docs: lint-rules/LVS509.md
struct VIPDNATPreemptsIPVS: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS509", name: "vip-dnat-preempts-ipvs", severity: .error, inputs: [.ipvsadm, .firewall],
        summary: "DNAT or REDIRECT rewrites a virtual service's traffic before IPVS sees it")

    func check(_ inputs: LintInputs, into report: inout Report) {
        var reported = Set<SourceLocation>()
        for service in inputs.ipvs?.services ?? [] where !service.identity.isFirewallMark {
            guard service.packets.destination != nil else { continue }
            guard let ruleset = inputs.firewall(for: service.identity.family), let nat = ruleset.table("nat") else { continue }
            for rule in nat.rules where rule.target == "DNAT" || rule.target == "REDIRECT" {
                let chains = nat.builtinChains(reaching: rule.chain)
                guard chains.contains("PREROUTING") || chains.contains("OUTPUT") else { continue }
                let result = rule.matches(service.packets)
                if case .never = result { continue }
                guard reported.insert(rule.location).inserted else { continue }
                let certainty = { if case .always = result { return "rewrites" } else { return "can rewrite" } }()
                report.add(
                    "nat \(rule.chain) \(rule.target!) \(certainty) traffic to \(service.identity) (nat runs at priority -100, IPVS at 99): the service never sees it",
                    at: rule.location, object: rule.objectKey, related: [service.location])
            }
        }
    }
}
