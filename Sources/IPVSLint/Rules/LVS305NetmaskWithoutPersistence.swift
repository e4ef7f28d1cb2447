/// `-M` without `-p`: accepted, but the mask only matters for persistence. Docs: lint-rules/LVS305.md
struct NetmaskWithoutPersistence: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS305", name: "netmask-without-persistence", severity: .warning, inputs: [.ipvsadm],
        summary: "A persistence netmask (-M) on a service that is not persistent")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] where !service.isPersistent {
            guard let netmask = service.netmask else { continue }
            report.add(
                "-M \(netmask.value) on \(service.identity) does nothing without -p (and ipvsadm -S does not even save it)",
                at: netmask.location, object: service.identity.objectKey)
        }
    }
}
