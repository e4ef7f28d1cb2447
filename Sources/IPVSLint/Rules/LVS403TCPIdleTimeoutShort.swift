/// tcp timeout < 300 s: idle TCP connections lose their IPVS entry and break. Docs: lint-rules/LVS403.md
struct TCPIdleTimeoutShort: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS403", name: "tcp-idle-timeout-short", severity: .info, inputs: [.timeouts],
        summary: "The tcp (established) timeout is under 300 s: idle connections lose their entry")

    func check(_ inputs: LintInputs, into report: inout Report) {
        guard let timeouts = inputs.effectiveTimeouts, timeouts.tcp.value > 0, timeouts.tcp.value < 300 else { return }
        report.add(
            "tcp timeout \(timeouts.tcp.value) s: a connection idle longer than that loses its IPVS entry, and its next packet, not a SYN, is not scheduled; applications with longer keepalives break",
            at: timeouts.tcp.location, object: "timeout=tcp")
    }
}
