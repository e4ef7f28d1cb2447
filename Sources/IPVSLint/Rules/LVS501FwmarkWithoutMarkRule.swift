import IPVSModel

/// A firewall-mark service no MARK rule feeds: it never matches a packet. Docs: lint-rules/LVS501.md
struct FwmarkWithoutMarkRule: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS501", name: "fwmark-without-mark-rule", severity: .error, inputs: [.ipvsadm, .firewall],
        summary: "No MARK rule sets a firewall-mark service's mark")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for marked in FirewallMarks.services(inputs, report: &report) {
            let (service, mark, ruleset) = (marked.service, marked.mark, marked.ruleset)
            guard marked.producers.isEmpty else { continue }
            // Set by the other family's firewall: LVS507 says that, more precisely.
            if let other = inputs.firewall(for: ruleset.family == .ipv6 ? .ipv4 : .ipv6), !other.producers(of: mark).isEmpty {
                continue
            }
            let dump = ruleset.family == .ipv6 ? "ip6tables" : "iptables"
            // The likely typo: a MARK rule IPVS can see that sets a whole mark no service has.
            let used = Set(
                (inputs.ipvs?.services ?? []).compactMap { other -> Int64? in
                    if case .firewallMark(let value, let ipv6) = other.identity, ipv6 == (ruleset.family == .ipv6) {
                        return value
                    }
                    return nil
                })
            let nearMisses = ruleset.markRules.filter { rule in
                guard let operation = rule.markOperation, operation.setsWholeMark, operation.value != 0 else { return false }
                return !used.contains(Int64(operation.value)) && FirewallMarks.isEligible(rule, in: ruleset)
            }
            let hint =
                nearMisses.first.map { rule in
                    "; \(rule.table) \(rule.chain) (line \(rule.location.line)) sets mark \(rule.markOperation!.value), which no service has: a typo for \(mark)?"
                } ?? ""
            report.add(
                "no \(dump) MARK rule sets mark \(mark) (0x\(String(mark, radix: 16))) for \(service.identity) in \(ruleset.file.name): the service never sees a packet\(hint)",
                at: service.identityLocation, object: service.identity.objectKey, related: nearMisses.prefix(5).map(\.location))
        }
    }
}
