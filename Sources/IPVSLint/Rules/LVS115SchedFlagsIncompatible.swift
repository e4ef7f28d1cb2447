/// Scheduler flags for another scheduler, or unknown flag names. Docs: lint-rules/LVS115.md
struct SchedFlagsIncompatible: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS115", name: "sched-flags-incompatible", severity: .error, inputs: [.ipvsadm],
        summary: "A scheduler flag (-b) does not belong to the service's scheduler")

    static let known: Set<String> = ["sh-fallback", "sh-port", "mh-fallback", "mh-port", "flag-1", "flag-2", "flag-3"]

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] {
            guard let flags = service.schedulerFlags else { continue }
            let scheduler = service.schedulerName
            for flag in flags.value {
                if !Self.known.contains(flag) {
                    report.add("-b \(flag) on \(service.identity): \"invalid scheduler flag\" (sh-fallback, sh-port, mh-fallback, mh-port, flag-1…3)", at: flags.location, object: service.identity.objectKey)
                } else if (flag.hasPrefix("sh-") && scheduler != "sh") || (flag.hasPrefix("mh-") && scheduler != "mh") {
                    report.add("-b \(flag) on \(service.identity), whose scheduler is \(scheduler): \"incompatible scheduler flag\"", at: flags.location, object: service.identity.objectKey)
                }
            }
        }
    }
}
