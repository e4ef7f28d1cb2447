import IPVSModel

/// A net.ipv4.vs.* sysctl the target kernel does not have yet: `run_estimation` before 5.18,
/// `est_cpulist` and `est_nice` before 6.2. Needs `facts.kernel` (`--live` knows it).
/// Docs: lint-rules/LVS120.md
struct IPVSSysctlNotInKernel: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS120", name: "ipvs-sysctl-not-in-kernel", severity: .warning, inputs: [.directorSysctl, .kernelFact],
        summary: "An IPVS sysctl (net.ipv4.vs.*) the kernel release does not have")

    func check(_ inputs: LintInputs, into report: inout Report) {
        guard let kernel = inputs.facts.kernel, let sysctls = inputs.directorSysctls else { return }
        for key in sysctls.values.keys.sorted() where key.hasPrefix("net.ipv4.vs.") {
            let name = String(key.dropFirst("net.ipv4.vs.".count))
            guard let lacking = IPVSSysctls.lackingThrough(name), kernel <= lacking, let written = sysctls.value(key) else {
                continue
            }
            report.add(
                "\(key) = \(written.value) does not exist on kernel \(kernel) (it is newer than \(lacking)): the setting does nothing, and sysctl -p reports the key and exits non-zero",
                at: written.location, object: "sysctl=director/\(key)")
        }
    }
}
