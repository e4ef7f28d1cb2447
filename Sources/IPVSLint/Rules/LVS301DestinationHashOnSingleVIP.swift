import IPVSModel

/// dh, lblc or lblcr on an address service: they hash the destination address, which is always
/// the one VIP. Docs: lint-rules/LVS301.md
struct DestinationHashOnSingleVIP: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS301", name: "destination-hash-on-single-vip", severity: .warning, inputs: [.ipvsadm],
        summary: "A destination-hashing scheduler on a service with a single destination address")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] where !service.identity.isFirewallMark {
            guard let scheduler = service.scheduler, Scheduler(scheduler.value).hashesDestination else { continue }
            report.add(
                "\(scheduler.value) on \(service.identity) hashes the destination address, which is always this VIP: new connections all go to one real server",
                at: scheduler.location, object: service.identity.objectKey)
        }
    }
}
