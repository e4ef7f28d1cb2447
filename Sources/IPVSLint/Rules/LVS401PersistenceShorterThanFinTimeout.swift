import IPVSModel

/// A persistence timeout shorter than the tcpfin (or udp) timeout: templates outlive `-p`.
/// Docs: lint-rules/LVS401.md
struct PersistenceShorterThanFinTimeout: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS401", name: "persistence-shorter-than-fin-timeout", severity: .warning, inputs: [.ipvsadm, .timeouts],
        summary: "The persistence timeout is shorter than the tcpfin (or udp) timeout")

    func check(_ inputs: LintInputs, into report: inout Report) {
        guard let timeouts = inputs.effectiveTimeouts else { return }
        for service in inputs.ipvs?.services ?? [] {
            guard let persistence = service.persistence else { continue }
            let isUDP = service.identity.proto == .udp
            let limit = isUDP ? timeouts.udp : timeouts.tcpFin
            let name = isUDP ? "udp" : "tcpfin"
            guard persistence.value < limit.value else { continue }
            report.add(
                "persistence \(persistence.value) s of \(service.identity) is shorter than the \(name) timeout \(limit.value) s (\(limit.location)): a template lives as long as its connections, so clients stick longer than -p says",
                at: persistence.location, object: service.identity.objectKey, related: [limit.location])
        }
    }
}
