/// `--pe` without `-p`: the engine is only consulted when a persistence template is made. Docs: lint-rules/LVS306.md
struct PEWithoutPersistence: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS306", name: "pe-without-persistence", severity: .warning, inputs: [.ipvsadm],
        summary: "A persistence engine (--pe) on a service that is not persistent")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] where !service.isPersistent {
            guard let engine = service.persistenceEngine else { continue }
            report.add(
                "--pe \(engine.value) on \(service.identity) does nothing without -p: the kernel only calls a persistence engine to build templates",
                at: engine.location, object: service.identity.objectKey)
        }
    }
}
