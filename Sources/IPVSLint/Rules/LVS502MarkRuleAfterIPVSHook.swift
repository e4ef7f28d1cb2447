/// A service's mark is only set in chains IPVS has already passed. Docs: lint-rules/LVS502.md
struct MarkRuleAfterIPVSHook: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS502", name: "mark-rule-after-ipvs-hook", severity: .error, inputs: [.ipvsadm, .firewall],
        summary: "A service's mark is only set after IPVS has looked at the packet")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for marked in FirewallMarks.services(inputs, report: &report) {
            let (service, mark, ruleset) = (marked.service, marked.mark, marked.ruleset)
            let producers = marked.producers
            guard !producers.isEmpty, !producers.contains(where: { FirewallMarks.isEligible($0, in: ruleset) }) else { continue }
            let places = producers.map(\.place).joined(separator: ", ")
            report.add(
                "mark \(mark) of \(service.identity) is only set in \(places), which runs after IPVS (LOCAL_IN, priority 99): set it in mangle PREROUTING (and mangle OUTPUT for local clients)",
                at: service.identityLocation, object: service.identity.objectKey, related: producers.map(\.location))
        }
    }
}
