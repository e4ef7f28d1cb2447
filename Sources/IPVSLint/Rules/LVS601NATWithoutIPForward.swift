import IPVSModel

/// NAT real servers on a director that does not forward: replies from the real servers are
/// dropped. The finding points at the sysctl to change, or at the first NAT real server when the
/// file lacks the key. Docs: lint-rules/LVS601.md
struct NATWithoutIPForward: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS601", name: "nat-without-ip-forward", severity: .error, inputs: [.ipvsadm, .directorSysctl],
        summary: "NAT real servers but the director does not forward packets")

    func check(_ inputs: LintInputs, into report: inout Report) {
        guard let sysctls = inputs.directorSysctls else { return }
        for (family, key) in [(IPAddress.Family.ipv4, "net.ipv4.ip_forward"), (.ipv6, "net.ipv6.conf.all.forwarding")] {
            guard (sysctls.integer(key) ?? 0) != 1 else { continue }
            let nat = inputs.realServers.filter {
                $0.1.forwarding == .masquerading && ($0.1.address.address?.family ?? .ipv4) == family
            }
            guard let (service, server) = nat.first else { continue }
            let setting = sysctls.value(key).map { "\(key) = \($0.value)" } ?? "\(key) is not set (default 0)"
            report.add(
                "NAT (-m) real server \(server.addressText) of \(service.identity), but \(setting): the director drops the real servers' replies",
                at: sysctls.value(key)?.location ?? server.location, object: "sysctl=director/\(key)",
                related: (sysctls.value(key) == nil ? [SourceLocation(file: sysctls.file.name, line: 1)] : [])
                    + nat.map(\.1.location))
        }
    }
}
