/// A persistence engine other than sip (the only one the kernel has). Docs: lint-rules/LVS116.md
struct UnknownPersistenceEngine: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS116", name: "unknown-persistence-engine", severity: .error, inputs: [.ipvsadm],
        summary: "The persistence engine (--pe) is not sip")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] {
            guard let engine = service.persistenceEngine, engine.value != "sip" else { continue }
            report.add(
                "--pe \(engine.value) on \(service.identity): the kernel has only the sip engine and answers ENOENT",
                at: engine.location, object: service.identity.objectKey)
        }
    }
}
