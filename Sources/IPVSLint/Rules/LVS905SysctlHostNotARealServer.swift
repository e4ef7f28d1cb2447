/// A `--sysctl HOST=FILE` whose HOST is no real server of the IPVS input. Docs: lint-rules/LVS905.md
///
/// The real-server checks (ARP, rp_filter) pick a file by the real server's address or name;
/// a HOST mistyped, or left over from a server since removed, matches none, and the checks the
/// file was given for silently do not run.
struct SysctlHostNotARealServer: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS905", name: "sysctl-host-not-a-real-server", severity: .warning,
        inputs: [.ipvsadm, .realServerSysctl],
        summary: "--sysctl HOST=FILE names no real server, so no check uses the file")

    func check(_ inputs: LintInputs, into report: inout Report) {
        let servers = Array(inputs.realServers.map(\.1))
        var known: [String] = []
        for server in servers where !known.contains(server.addressText) { known.append(server.addressText) }
        for set in inputs.realServerSysctls {
            guard let host = set.host else { continue }
            guard !servers.contains(where: { inputs.sysctls(for: $0)?.host == host }) else { continue }
            let list = known.prefix(8).joined(separator: ", ") + (known.count > 8 ? ", …" : "")
            report.add(
                "--sysctl \(host)=\(set.file.name) names no real server of the IPVS input (\(known.isEmpty ? "it has none" : "real servers: " + list)): the checks this file was given for do not run",
                at: SourceLocation(file: set.file.id, line: 1), object: "sysctl-host=" + host)
        }
    }
}
