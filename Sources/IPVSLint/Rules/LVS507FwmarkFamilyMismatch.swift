import IPVSModel

/// -f N (or -f N -6) whose mark only the other family's firewall sets. Docs: lint-rules/LVS507.md
struct FwmarkFamilyMismatch: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS507", name: "fwmark-family-mismatch", severity: .error, inputs: [.ipvsadm, .firewall],
        summary: "A firewall-mark service whose mark is only set for the other address family")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] {
            guard case .firewallMark(let mark, let ipv6) = service.identity, mark > 0, mark <= Int64(UInt32.max) else { continue }
            if inputs.keepalivedMark(UInt32(mark), family: ipv6 ? .ipv6 : .ipv4) != nil { continue }
            let own = inputs.firewall(for: ipv6 ? .ipv6 : .ipv4)
            let other = inputs.firewall(for: ipv6 ? .ipv4 : .ipv6)
            if let nft = inputs.nftables, own?.producers(of: UInt32(mark)).isEmpty ?? true,
                NFTMarks.feeds(inputs, family: ipv6 ? .ipv6 : .ipv4, mark: UInt32(mark)) != true,
                let producer = NFTMarks.producers(nft, family: ipv6 ? .ipv4 : .ipv6, includingLate: true)
                    .first(where: { $0.operation.canProduce(UInt32(mark)) })
            {
                report.add(
                    "\(service.identity) is an \(ipv6 ? "IPv6" : "IPv4") service, but mark \(mark) is only set by \(producer.rule.place), a table of family \(producer.rule.family.rawValue) that sees only \(ipv6 ? "IPv4" : "IPv6") packets: the kernel matches a mark only to a service of the packet's family\(ipv6 ? "" : "; add -6 if the service is meant for IPv6")",
                    at: service.identityLocation, object: service.identity.objectKey, related: [producer.rule.location])
                continue
            }
            guard let other else { continue }
            guard own?.producers(of: UInt32(mark)).isEmpty ?? true, let rule = other.producers(of: UInt32(mark)).first else {
                continue
            }
            // nftables setting it for this family (an inet table does both) feeds the service.
            if NFTMarks.feeds(inputs, family: ipv6 ? .ipv6 : .ipv4, mark: UInt32(mark)) == true { continue }
            report.add(
                "\(service.identity) is an \(ipv6 ? "IPv6" : "IPv4") service, but mark \(mark) is only set by \(ipv6 ? "iptables (IPv4)" : "ip6tables (IPv6)"): the kernel matches a mark only to a service of the packet's family\(ipv6 ? "" : "; add -6 if the service is meant for IPv6")",
                at: service.identityLocation, object: service.identity.objectKey, related: [rule.location])
        }
    }
}
