/// A persistent service with a quiesced real server while expire_quiescent_template is off:
/// clients with a template keep going to the drained server. Docs: lint-rules/LVS311.md
struct PersistentQuiesceWithoutExpireTemplate: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS311", name: "persistent-quiesce-without-expire-template", severity: .warning,
        inputs: [.ipvsadm, .directorSysctl],
        summary: "Quiesced real servers keep persistent clients: expire_quiescent_template is off")

    func check(_ inputs: LintInputs, into report: inout Report) {
        guard let sysctls = inputs.directorSysctls else { return }
        let key = "net.ipv4.vs.expire_quiescent_template"
        let value = sysctls.integer(key) ?? 0
        guard value != 1 else { return }
        for service in inputs.ipvs?.services ?? [] where service.isPersistent {
            let quiesced = service.realServers.filter { $0.weightValue == 0 }
            guard !quiesced.isEmpty else { continue }
            let setting = sysctls.value(key).map { "\(key) = \($0.value)" } ?? "\(key) is not set (default 0)"
            report.add(
                "persistent \(service.identity) has quiesced \(quiesced.map(\.addressText).joined(separator: ", ")), but \(setting): clients with a persistence template keep being sent there",
                at: service.location, object: service.identity.objectKey, related: [sysctls.location(of: key)])
        }
    }
}
