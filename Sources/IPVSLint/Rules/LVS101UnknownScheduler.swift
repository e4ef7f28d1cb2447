import IPVSModel

/// A scheduler the kernel will not find: `ipvsadm -A` fails with ENOENT (or EINVAL when the name
/// is 16 characters or longer). What the kernel has comes from `facts.schedulers`, from the
/// running kernel's modules (`--live`), or from its release (`facts.kernel`: no `mh` before
/// 4.18, no `twos` in 5.10 or older). Docs: lint-rules/LVS101.md
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
            } else if inputs.knownSchedulers == nil, let kernel = inputs.facts.kernel,
                let lacking = Scheduler(scheduler.value).lackingThrough, kernel <= lacking
            {
                report.add(
                    "\(service.identity) uses scheduler \"\(scheduler.value)\", which kernel \(kernel) does not have (it is newer than \(lacking))",
                    at: scheduler.location, object: service.identity.objectKey)
            }
        }
    }
}
