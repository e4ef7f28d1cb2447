import IPVSModel

/// Scheduler flags for another scheduler, or unknown flag names. Docs: lint-rules/LVS115.md
struct SchedFlagsIncompatible: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS115", name: "sched-flags-incompatible", severity: .error, inputs: [.ipvsadm],
        summary: "A scheduler flag (-b) does not belong to the service's scheduler")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] {
            guard let flags = service.schedulerFlags else { continue }
            let scheduler = service.effectiveScheduler
            for flag in flags.value {
                if !Scheduler.flagNames.contains(flag) {
                    report.add(
                        "-b \(flag) on \(service.identity): \"invalid scheduler flag\" (sh-fallback, sh-port, mh-fallback, mh-port, flag-1…3)",
                        at: flags.location, object: service.identity.objectKey)
                } else if let owner = Scheduler.owner(ofFlag: flag), owner != scheduler {
                    report.add(
                        "-b \(flag) on \(service.identity), whose scheduler is \(scheduler): \"incompatible scheduler flag\"",
                        at: flags.location, object: service.identity.objectKey)
                }
            }
        }
    }
}
