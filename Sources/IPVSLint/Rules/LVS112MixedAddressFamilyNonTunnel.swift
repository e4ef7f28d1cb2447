import IPVSModel

/// An IPv4 real server in an IPv6 service (or the reverse) that is not a tunnel.
/// Docs: lint-rules/LVS112.md
struct MixedAddressFamilyNonTunnel: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS112", name: "mixed-address-family-non-tunnel", severity: .error, inputs: [.ipvsadm],
        summary: "A real server's address family differs from its service's, without tunnelling")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for (service, server) in inputs.realServers where server.forwarding != .tunneling {
            guard let address = server.address.address, address.family != service.identity.family else { continue }
            report.add(
                "\(address.family) real server \(server.addressText) in \(service.identity) (\(service.identity.family)) with \(server.forwarding.flag): \"Different address family is allowed only for tunneling servers\"",
                at: server.addressLocation, object: "rs=\(service.identity.objectKey.dropFirst(4))/\(server.addressText)")
        }
    }
}
