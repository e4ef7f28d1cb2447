/// `-p` below 1 or above 31 days: ipvsadm refuses it ("invalid timeout value").
/// Docs: lint-rules/LVS104.md
struct PersistenceTimeoutOutOfRange: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS104", name: "persistence-timeout-out-of-range", severity: .error, inputs: [.ipvsadm],
        summary: "The persistence timeout is outside 1 to 2678400 seconds")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] {
            guard let persistence = service.persistence else { continue }
            if persistence.value < 1 || persistence.value > 2_678_400 {
                report.add(
                    "persistence timeout \(persistence.value) s of \(service.identity) is outside 1…2678400 (31 days); ipvsadm refuses it",
                    at: persistence.location, object: service.identity.objectKey)
            }
        }
    }
}
