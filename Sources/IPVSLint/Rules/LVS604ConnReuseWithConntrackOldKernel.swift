import IPVSModel

/// `conntrack = 1` with `conn_reuse_mode` on a kernel before 5.9: the first SYN of a reused
/// source port is dropped, a one-second connect stall. Needs `facts.kernel` (`--live` knows
/// it). Docs: lint-rules/LVS604.md
struct ConnReuseWithConntrackOldKernel: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS604", name: "conn-reuse-with-conntrack-old-kernel", severity: .info,
        inputs: [.directorSysctl, .kernelFact],
        summary: "conntrack with conn_reuse_mode on a kernel before 5.9 stalls reused connections for a second")

    static let fixedIn = KernelRelease(major: 5, minor: 9)

    func check(_ inputs: LintInputs, into report: inout Report) {
        guard let kernel = inputs.facts.kernel, kernel < Self.fixedIn, let sysctls = inputs.directorSysctls else { return }
        let conntrack = "net.ipv4.vs.conntrack"
        let reuse = "net.ipv4.vs.conn_reuse_mode"
        guard sysctls.integer(conntrack) == 1, (sysctls.integer(reuse) ?? 1) != 0 else { return }
        let setting = sysctls.value(reuse).map { "\(reuse) = \($0.value)" } ?? "\(reuse) is not set (default 1)"
        report.add(
            "\(conntrack) = 1 and \(setting) on kernel \(kernel) (before \(Self.fixedIn)): the first SYN of a connection that reuses a source port is dropped to clear conntrack, so such connects stall about a second",
            at: sysctls.location(of: conntrack), object: "sysctl=director/\(reuse)", related: [sysctls.location(of: reuse)])
    }
}
