/// `--set` with a 0: that timeout is left as it is, not reset to the default. Docs: lint-rules/LVS402.md
struct SetTimeoutZeroIsNoop: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS402", name: "set-timeout-zero-is-noop", severity: .info, inputs: [.ipvsadm],
        summary: "A 0 in ipvsadm --set keeps the current timeout rather than resetting it")

    func check(_ inputs: LintInputs, into report: inout Report) {
        // keepalived's lvs_timeouts leaves out what it does not change: no surprise to report.
        guard inputs.ipvs?.fromKeepalived != true else { return }
        for set in inputs.ipvs?.timeoutSettings ?? [] where set.value.count == 3 {
            let zeros = zip(["tcp", "tcpfin", "udp"], set.value).filter { $0.1 == 0 }.map(\.0)
            guard !zeros.isEmpty else { continue }
            report.add(
                "--set leaves the \(zeros.joined(separator: ", ")) timeout\(zeros.count == 1 ? "" : "s") as the kernel has \(zeros.count == 1 ? "it" : "them"): 0 means keep, not reset to the default",
                at: set.location, object: "timeout-set=" + set.value.map(String.init).joined(separator: ","))
        }
    }
}
