/// A tcp, tcpfin or udp timeout outside what ipvsadm accepts. Docs: lint-rules/LVS117.md
struct TimeoutOutOfRange: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS117", name: "timeout-out-of-range", severity: .error, inputs: [.timeouts],
        summary: "A tcp, tcpfin or udp timeout is outside 0 to 2678400 seconds")

    func check(_ inputs: LintInputs, into report: inout Report) {
        var settings: [(String, Located<Int64>)] = []
        if let timeouts = inputs.timeouts {
            settings += [("tcp", timeouts.tcp), ("tcpfin", timeouts.tcpFin), ("udp", timeouts.udp)]
        }
        for set in inputs.ipvs?.timeoutSettings ?? [] where set.value.count == 3 {
            settings += zip(["tcp", "tcpfin", "udp"], set.value).map { ($0, Located($1, set.location)) }
        }
        for (name, value) in settings where value.value < 0 || value.value > 2_678_400 {
            report.add(
                "\(name) timeout \(value.value) s is outside 0…2678400: ipvsadm says \"invalid timeout value\"",
                at: value.location, object: "timeout=\(name)")
        }
    }
}
