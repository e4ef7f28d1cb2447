/// A firewall mark ipvsadm refuses: 0, negative (Debian's ipvsadm 1.31 saves marks of 2^31
/// and above as negative numbers), or above 2^32-1. Docs: lint-rules/LVS107.md
struct InvalidFirewallMark: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS107", name: "invalid-fwmark", severity: .error, inputs: [.ipvsadm],
        summary: "The firewall mark is 0, negative or above 4294967295")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] {
            guard case .firewallMark(let mark, _) = service.identity else { continue }
            if mark <= 0 || mark > 4_294_967_295 {
                let hint =
                    mark < 0
                    ? " (Debian's ipvsadm 1.31 saves marks of 2^31 and above this way; write \(UInt32(truncatingIfNeeded: mark)))"
                    : ""
                report.add(
                    "firewall mark \(mark) is not in 1…4294967295: ipvsadm says \"invalid fwmark value\"\(hint)",
                    at: service.identityLocation, object: service.identity.objectKey)
            }
        }
    }
}
