/// tcpfin > tcp: closing connections outlive idle established ones, usually swapped `--set` arguments. Docs: lint-rules/LVS404.md
struct FinTimeoutLongerThanTCP: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS404", name: "tcpfin-longer-than-tcp", severity: .info, inputs: [.timeouts],
        summary: "The tcpfin timeout is longer than the tcp (established) timeout")

    func check(_ inputs: LintInputs, into report: inout Report) {
        guard let timeouts = inputs.effectiveTimeouts, timeouts.tcpFin.value > timeouts.tcp.value else { return }
        report.add(
            "tcpfin timeout \(timeouts.tcpFin.value) s is longer than the tcp timeout \(timeouts.tcp.value) s: closing connections outlive idle established ones (the order is --set TCP TCPFIN UDP)",
            at: timeouts.tcpFin.location, object: "timeout=tcpfin")
    }
}
