/// Names in an ipvsadm file (ipvsadm-save without -n): the restore depends on name lookups. Docs: lint-rules/LVS901.md
struct NonNumericDump: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS901", name: "non-numeric-dump", severity: .warning, inputs: [.ipvsadm],
        summary: "Host or service names instead of numbers: restoring depends on DNS and /etc/services")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for name in inputs.ipvs?.names ?? [] {
            report.add(
                "\"\(name.value)\" is a name: ipvsadm -R resolves it at restore time, through DNS or /etc/services, which may fail or differ at boot; save with ipvsadm-save -n",
                at: name.location, object: "name=" + name.value)
        }
    }
}
