import IPVSModel

/// A port on a -g/-i real server of a -f service: the kernel ignores it. Docs: lint-rules/LVS202.md
struct FwmarkNonNATRealServerPort: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS202", name: "fwmark-nonnat-real-server-port", severity: .info, inputs: [.ipvsadm],
        summary: "A port on a DR or tunnel real server of a firewall-mark service, where it is ignored")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] where service.identity.isFirewallMark {
            for server in service.realServers where server.forwarding == .directRouting || server.forwarding == .tunneling {
                guard let port = server.writtenPort, port.number != 0 else { continue }
                report.add(
                    "real server \(server.address.description):\(port) of \(service.identity) is \(server.forwarding == .tunneling ? "a tunnel" : "DR"): packets keep the client's destination port, so :\(port) is ignored; write :0",
                    at: server.addressLocation, object: service.identity.objectKey + "/rs=" + server.address.description)
            }
        }
    }
}
