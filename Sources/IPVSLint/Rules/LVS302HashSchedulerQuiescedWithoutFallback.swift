import IPVSModel

/// sh or mh without its fallback flag, or dh, with a quiesced real server: clients hashing to it
/// get no server. Docs: lint-rules/LVS302.md
struct HashSchedulerQuiescedWithoutFallback: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS302", name: "hash-scheduler-quiesced-without-fallback", severity: .warning, inputs: [.ipvsadm],
        summary: "A hashing scheduler without fallback has a real server at weight 0")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] {
            let scheduler = service.effectiveScheduler
            let flags = service.schedulerFlags?.value ?? []
            // dh has no fallback flag at all; sh and mh have theirs as flag 1.
            guard scheduler.hashesWithoutFallback, !(scheduler.hasNamedFlags && flags.contains(scheduler.flagName(1))) else {
                continue
            }
            let quiesced = service.realServers.filter { $0.weightValue == 0 }
            guard !quiesced.isEmpty, quiesced.count < service.realServers.count else { continue }
            let fix = scheduler.hasNamedFlags ? "add -b \(scheduler.flagName(1))" : "\(scheduler) has no fallback"
            report.add(
                "\(scheduler) on \(service.identity) keeps hashing clients to quiesced \(quiesced.map(\.addressText).joined(separator: ", ")), which then get no server (\(fix))",
                at: service.scheduler?.location ?? service.location, object: service.identity.objectKey,
                related: quiesced.map(\.location))
        }
    }
}
