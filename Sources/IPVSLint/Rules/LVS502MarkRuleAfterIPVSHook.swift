import IPVSModel

/// A service's mark is only set in chains IPVS has already passed. Docs: lint-rules/LVS502.md
///
/// iptables: FORWARD, POSTROUTING, filter/security OUTPUT, nat INPUT. nftables: forward and
/// postrouting chains, input chains at priority 99 or later, output chains at -98 or later.
struct MarkRuleAfterIPVSHook: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS502", name: "mark-rule-after-ipvs-hook", severity: .error, inputs: [.ipvsadm, .firewall],
        summary: "A service's mark is only set after IPVS has looked at the packet")

    func check(_ inputs: LintInputs, into report: inout Report) {
        var nftByFamily: [IPAddress.Family: [NFTMarks.Producer]] = [:]
        for service in inputs.ipvs?.services ?? [] {
            guard case .firewallMark(let value, _) = service.identity, value > 0, value <= Int64(UInt32.max) else { continue }
            let (mark, family) = (UInt32(value), service.identity.family)
            let ruleset = inputs.firewall(for: family)
            guard ruleset != nil || inputs.nftables != nil else {
                report.skip("\(service.identity): no \(family == .ipv6 ? "--ip6tables" : "--iptables") or --nftables input")
                continue
            }
            if let nft = inputs.nftables, nftByFamily[family] == nil {
                nftByFamily[family] = NFTMarks.producers(nft, family: family, includingLate: true)
            }
            let iptables = ruleset?.producers(of: mark) ?? []
            let nftables = (nftByFamily[family] ?? []).filter { $0.operation.canProduce(mark) }
            let keepalived = inputs.keepalivedMark(mark, family: family)
            if keepalived?.isBeforeIPVS == true { continue }
            guard !iptables.isEmpty || !nftables.isEmpty || keepalived != nil else { continue }  // LVS501's case
            if let ruleset, iptables.contains(where: { FirewallMarks.isEligible($0, in: ruleset) }) { continue }
            if nftables.contains(where: \.isEligible) { continue }
            var places = iptables.map(\.place)
            var related = iptables.map(\.location)
            for producer in nftables where !related.contains(producer.rule.location) {
                let table = inputs.nftables?.table(producer.rule.family, producer.rule.table)
                let hooks = table.map { NFTMarks.hooks(of: producer.rule.chain, in: $0) } ?? ""
                places.append("\(producer.rule.place) at \(hooks)")
                related.append(producer.rule.location)
            }
            if let keepalived, nftables.isEmpty {
                // keepalived's own table, not in the listing given: from keepalived.conf.
                places.append(
                    "keepalived's nftables table \(keepalived.family == .ipv6 ? "ip6" : "ip") \(keepalived.table) at input priority \(keepalived.priority) (nftables_ipvs_priority, \(keepalived.priorityLocation))"
                )
                related.append(keepalived.priorityLocation)
            }
            let advice =
                keepalived != nil && iptables.isEmpty && nftables.isEmpty
                ? "give nftables_ipvs_priority a value below 99 (keepalived's default is -1)"
                : nftables.isEmpty
                    ? "set it in mangle PREROUTING (and mangle OUTPUT for local clients)"
                    : "set it in a prerouting chain (and an output chain below priority -98 for local clients)"
            report.add(
                "mark \(mark) of \(service.identity) is only set in \(places.joined(separator: ", ")), which runs after IPVS (LOCAL_IN, priority 99): \(advice)",
                at: service.identityLocation, object: service.identity.objectKey, related: related)
        }
    }
}
