import IPVSModel

/// A firewall-mark service no MARK rule feeds: it never matches a packet. Docs: lint-rules/LVS501.md
///
/// Reads iptables-save (`--iptables`/`--ip6tables`) and `nft -j list ruleset` (`--nftables`):
/// a mark set by either, where IPVS sees it, feeds the service.
struct FwmarkWithoutMarkRule: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS501", name: "fwmark-without-mark-rule", severity: .error, inputs: [.ipvsadm, .firewall],
        summary: "No MARK rule sets a firewall-mark service's mark")

    func check(_ inputs: LintInputs, into report: inout Report) {
        // Once per family, not once per service: a ruleset can be big.
        let nftByFamily: [IPAddress.Family: [NFTMarks.Producer]] =
            inputs.nftables.map { nft in
                // Marks set after IPVS's hook count too: LVS502 reports those.
                [
                    .ipv4: NFTMarks.producers(nft, family: .ipv4, includingLate: true),
                    .ipv6: NFTMarks.producers(nft, family: .ipv6, includingLate: true),
                ]
            } ?? [:]
        for service in inputs.ipvs?.services ?? [] {
            guard case .firewallMark(let value, _) = service.identity, value > 0, value <= Int64(UInt32.max) else { continue }
            let mark = UInt32(value)
            let family = service.identity.family
            // keepalived's nftables_ipvs sets it (LVS502 says if too late).
            if inputs.keepalivedMark(mark, family: family) != nil { continue }
            let ruleset = inputs.firewall(for: family)
            guard ruleset != nil || inputs.nftables != nil else {
                report.skip("\(service.identity): no \(family == .ipv6 ? "--ip6tables" : "--iptables") or --nftables input")
                continue
            }
            let nftProducers = nftByFamily[family] ?? []
            guard (ruleset?.producers(of: mark) ?? []).isEmpty, !nftProducers.contains(where: { $0.operation.canProduce(mark) })
            else { continue }
            // Set by the other family's firewall: LVS507 says that, more precisely.
            let other: IPAddress.Family = family == .ipv6 ? .ipv4 : .ipv6
            if let otherRuleset = inputs.firewall(for: other), !otherRuleset.producers(of: mark).isEmpty { continue }
            if NFTMarks.feeds(inputs, family: other, mark: mark) == true { continue }
            // The likely typo: a mark rule IPVS can see that sets a whole mark no service has.
            let used = Set(
                (inputs.ipvs?.services ?? []).compactMap { other -> Int64? in
                    if case .firewallMark(let value, let ipv6) = other.identity, ipv6 == (family == .ipv6) { return value }
                    return nil
                })
            var nearMisses: [(text: String, location: SourceLocation)] = []
            if let ruleset {
                for rule in ruleset.markRules {
                    guard let operation = rule.markOperation, operation.setsWholeMark, operation.value != 0,
                        !used.contains(Int64(operation.value)), FirewallMarks.isEligible(rule, in: ruleset)
                    else { continue }
                    nearMisses.append(
                        ("\(rule.table) \(rule.chain) (line \(rule.location.line)) sets mark \(operation.value)", rule.location))
                }
            }
            if inputs.nftables != nil {
                for producer in nftProducers {
                    let operation = producer.operation
                    let rule = producer.rule
                    // A map of several marks is one rule: one hint.
                    guard producer.isEligible, operation.setsWholeMark, operation.value != 0,
                        !used.contains(Int64(operation.value)),
                        !nearMisses.contains(where: { $0.location == rule.location })
                    else { continue }
                    // nft -j writes the whole ruleset on one line: its handle names a rule.
                    let place = rule.handle.map { "handle \($0)" } ?? "line \(rule.location.line)"
                    nearMisses.append(
                        (
                            "nftables \(rule.family.rawValue) \(rule.table) \(rule.chain) (\(place)) sets mark \(operation.value)",
                            rule.location
                        ))
                }
            }
            let hint = nearMisses.first.map { "; \($0.text), which no service has: a typo for \(mark)?" } ?? ""
            let sources: String
            switch (ruleset, inputs.nftables) {
            case (_?, nil): sources = "no \(family == .ipv6 ? "ip6tables" : "iptables") MARK rule sets"
            case (nil, _?): sources = "no nftables rule (meta mark set) sets"
            case (_?, _?):
                sources = "no \(family == .ipv6 ? "ip6tables" : "iptables") MARK rule nor nftables rule (meta mark set) sets"
            case (nil, nil): continue
            }
            let files = [ruleset?.file.name, inputs.nftables?.file.name].compactMap { $0 }.joined(separator: " and ")
            report.add(
                "\(sources) mark \(mark) (0x\(String(mark, radix: 16))) for \(service.identity) in \(files): the service never sees a packet\(hint)",
                at: service.identityLocation, object: service.identity.objectKey, related: nearMisses.prefix(5).map(\.location))
        }
    }
}
