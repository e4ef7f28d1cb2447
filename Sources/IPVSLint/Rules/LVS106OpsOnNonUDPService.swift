import IPVSModel

/// `-o` (one-packet scheduling) on a TCP or SCTP service. Docs: lint-rules/LVS106.md
struct OpsOnNonUDPService: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS106", name: "ops-on-non-udp-service", severity: .error, inputs: [.ipvsadm],
        summary: "One-packet scheduling (-o) on a service that is not UDP")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] {
            guard let ops = service.onePacket, let proto = service.identity.proto, proto != .udp else { continue }
            report.add(
                "-o on \(service.identity): \"One-Packet Scheduling is only for UDP virtual services\"",
                at: ops, object: service.identity.objectKey)
        }
    }
}
