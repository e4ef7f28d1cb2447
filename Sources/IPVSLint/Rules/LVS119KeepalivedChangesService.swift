/// A `virtual_server` that keepalived changes as it loads it. Docs: lint-rules/LVS119.md
///
/// keepalived does not refuse these: it logs one line, runs, and the kernel gets a service
/// other than the one written (a UDP service for a web VIP is the costly case). The linter's
/// model already holds the changed service, so the other rules see what the kernel will.
struct KeepalivedChangesService: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS119", name: "keepalived-changes-service", severity: .error, inputs: [.ipvsadm],
        summary: "keepalived loads this virtual_server changed: no protocol makes it UDP, port 0 makes it persistent")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] {
            for correction in service.keepalivedCorrections {
                switch correction {
                case .noProtocolMeansUDP:
                    report.add(
                        "virtual_server \(service.identity.host.map(String.init(describing:)) ?? "") has no protocol: keepalived loads it as \(service.identity) (\"no protocol set - defaulting to UDP\"); write protocol TCP if it serves TCP",
                        at: service.location, object: service.identity.objectKey)
                case .zeroPortMadePersistent:
                    report.add(
                        "\(service.identity) has port 0 and no persistence_timeout: keepalived makes it persistent for 360 s (\"zero port only valid for persistent services - setting\"); write persistence_timeout, or a port",
                        at: service.location, object: service.identity.objectKey + "/persistence", severity: .warning)
                }
            }
        }
    }
}
