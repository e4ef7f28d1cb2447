/// Every real server of a service at weight 0: no new connection can be scheduled.
/// Docs: lint-rules/LVS207.md
struct AllRealServersQuiesced: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS207", name: "all-real-servers-quiesced", severity: .error, inputs: [.ipvsadm],
        summary: "Every real server of a service has weight 0")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] where !service.realServers.isEmpty {
            guard service.realServers.allSatisfy({ $0.weightValue == 0 }) else { continue }
            report.add(
                "every real server of \(service.identity) has weight 0: schedulers skip quiesced servers, so new connections are refused",
                at: service.location, object: service.identity.objectKey, related: service.realServers.map(\.location))
        }
    }
}
