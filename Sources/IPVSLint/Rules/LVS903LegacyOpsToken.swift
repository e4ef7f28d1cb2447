/// A bare `ops` on an -A line: old save output that current ipvsadm -R refuses. Docs: lint-rules/LVS903.md
struct LegacyOpsToken: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS903", name: "legacy-ops-token", severity: .error, inputs: [.ipvsadm],
        summary: "A bare ops word from an old ipvsadm save, which ipvsadm -R rejects")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] {
            guard let location = service.legacyOps else { continue }
            report.add(
                "bare \"ops\" on \(service.identity) is how old ipvsadm saved one-packet scheduling; ipvsadm -R rejects it: write -o",
                at: location, object: service.identity.objectKey)
        }
    }
}
