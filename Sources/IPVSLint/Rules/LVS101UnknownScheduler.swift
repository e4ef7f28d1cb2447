/// A scheduler the kernel will not find: `ipvsadm -A` fails with ENOENT (or EINVAL when the name
/// is 16 characters or longer). Docs: lint-rules/LVS101.md
struct UnknownScheduler: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS101", name: "unknown-scheduler", severity: .error, inputs: [.ipvsadm],
        summary: "The scheduler is not one the kernel has")

    func check(_ inputs: LintInputs, into report: inout Report) {
        let known = inputs.knownSchedulers ?? LintInputs.mainlineSchedulers
        for service in inputs.ipvs?.services ?? [] {
            guard let scheduler = service.scheduler else { continue }  // the default, wlc
            if scheduler.value.utf8.count >= 16 {
                report.add(
                    "scheduler \"\(scheduler.value)\" of \(service.identity) is \(scheduler.value.utf8.count) characters; the kernel refuses 16 or more",
                    at: scheduler.location, object: service.identity.objectKey)
            } else if !known.contains(scheduler.value) {
                report.add(
                    "\(service.identity) uses scheduler \"\(scheduler.value)\", which the kernel does not have (known: \(known.sorted().joined(separator: ", ")))",
                    at: scheduler.location, object: service.identity.objectKey)
            }
        }
    }
}
