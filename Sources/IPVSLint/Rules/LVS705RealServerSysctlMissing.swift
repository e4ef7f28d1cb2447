import IPVSModel

/// A -g/-i real server without --sysctl HOST=FILE when other real servers have one. Docs: lint-rules/LVS705.md
struct RealServerSysctlMissing: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS705", name: "rs-sysctl-missing", severity: .info, inputs: [.ipvsadm, .realServerSysctl],
        summary: "A DR or tunnel real server with no sysctl file while others have one: its ARP and rp_filter checks cannot run")

    func check(_ inputs: LintInputs, into report: inout Report) {
        var reported = Set<String>()
        for (service, server) in inputs.realServers where server.forwarding == .directRouting || server.forwarding == .tunneling {
            guard inputs.sysctls(for: server) == nil, reported.insert(server.address.description).inserted else { continue }
            report.add(
                "no sysctls for real server \(server.address.description) (\(service.identity)): its ARP and rp_filter rules (LVS701, LVS702, LVS704) were not checked; give --sysctl \(server.address.description)=FILE",
                at: server.addressLocation, object: "rs-sysctl=" + server.address.description)
        }
    }
}
