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
            report.add(
                "no \(dump) MARK rule sets mark \(mark) (0x\(String(mark, radix: 16))) for \(service.identity) in \(ruleset.file.name): the service never sees a packet",
                at: service.identityLocation, object: service.identity.objectKey)
        }
    }
}
