import IPVSModel

/// A DR or TUN real server written with a port other than the service's: those methods never
/// rewrite ports, and ipvsadm silently forces the service port; the kernel itself accepts any
/// port, so `--live` can meet one. Docs: lint-rules/LVS201.md
struct DRTunPortMismatch: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS201", name: "dr-tun-port-mismatch", severity: .error, inputs: [.ipvsadm],
        summary: "A direct-routing or tunnel real server has a port other than the service's")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for (service, server) in inputs.realServers where server.forwarding == .directRouting || server.forwarding == .tunneling {
            guard case .address(_, _, let servicePort) = service.identity, let written = server.writtenPort,
                !written.sameAs(servicePort)
            else { continue }
            let method = server.forwarding == .tunneling ? "TUN" : "DR"
            report.add(
                "\(method) real server \(server.addressText) differs from the service port \(servicePort) of \(service.identity): \(method) cannot change ports, so packets reach it on :\(servicePort) (ipvsadm and keepalived silently write :\(servicePort); a kernel holding another port got it from some other tool)",
                at: server.addressLocation, object: service.identity.realServerKey(server))
        }
    }
}
