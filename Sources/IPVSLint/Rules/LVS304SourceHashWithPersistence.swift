import IPVSModel

/// `-s sh`/`-s mh` with `-p`: templates and the hash both pin clients, with different failure behaviour. Docs: lint-rules/LVS304.md
struct SourceHashWithPersistence: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS304", name: "source-hash-with-persistence", severity: .info, inputs: [.ipvsadm],
        summary: "A hashing scheduler (sh, mh) together with persistence (-p): two affinity mechanisms")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] where service.isPersistent {
            let scheduler = service.effectiveScheduler
            guard scheduler.hasNamedFlags else { continue }
            report.add(
                "\(service.identity) pins clients twice: -s \(scheduler) hashes the source address and -p keeps a template; the template wins until it expires, even after weights change",
                at: service.scheduler?.location ?? service.location, object: service.identity.objectKey)
        }
    }
}
