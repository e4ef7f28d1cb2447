/// A service with no real server: every new connection gets ICMP port unreachable.
/// Docs: lint-rules/LVS206.md
struct ServiceWithoutRealServers: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS206", name: "service-without-real-servers", severity: .warning, inputs: [.ipvsadm],
        summary: "A virtual service has no real servers")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] where service.realServers.isEmpty {
            report.add(
                "\(service.identity) has no real servers: the kernel finds no destination and answers clients with ICMP port unreachable",
                at: service.location, object: service.identity.objectKey)
        }
    }
}
