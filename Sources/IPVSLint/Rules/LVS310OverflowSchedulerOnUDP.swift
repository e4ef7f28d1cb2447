import IPVSModel

/// `-s ovf` on UDP: ovf counts active connections, which UDP entries rarely are. Docs: lint-rules/LVS310.md
struct OverflowSchedulerOnUDP: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS310", name: "ovf-on-udp", severity: .info, inputs: [.ipvsadm],
        summary: "The ovf scheduler on a UDP service, where it only sees active connections")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? []
        where service.effectiveScheduler == .weightedOverflow && service.identity.proto == .udp {
            report.add(
                "ovf on \(service.identity): ovf fills the highest-weight server up to its weight in active connections, and UDP entries are not active, so it never overflows",
                at: service.scheduler?.location ?? service.location, object: service.identity.objectKey)
        }
    }
}
