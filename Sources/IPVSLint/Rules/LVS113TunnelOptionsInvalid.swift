import IPVSModel

/// Tunnel options that ipvsadm or the kernel refuse. Docs: lint-rules/LVS113.md
struct TunnelOptionsInvalid: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS113", name: "tunnel-options-invalid", severity: .error, inputs: [.ipvsadm],
        summary: "Tunnel options conflict with the forwarding method or the tunnel type")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for (service, server) in inputs.realServers {
            var object: String { "rs=\(service.identity.objectKey.dropFirst(4))/\(server.addressText)" }
            let given = [server.tunnelType?.location, server.tunnelPort?.location, server.tunnelChecksum?.location].compactMap {
                $0
            }
            if server.forwarding != .tunneling {
                if let first = given.first {
                    report.add(
                        "tunnel options on \(server.addressText), which is not a tunnel (-i): \"Tunnel options conflict with forward method\"",
                        at: first, object: object)
                }
                continue
            }
            let type = server.tunnelType?.value ?? "ipip"
            let at = server.tunnelType?.location ?? server.location
            switch type {
            case "ipip":
                if let extra = server.tunnelPort?.location ?? server.tunnelChecksum?.location {
                    report.add(
                        "IPIP tunnel to \(server.addressText) takes no --tun-port or checksum option", at: extra, object: object)
                }
            case "gue":
                if server.tunnelPort == nil || server.tunnelPort?.value == 0 {
                    report.add(
                        "GUE tunnel to \(server.addressText) needs --tun-port (the kernel says \"tunnel port is zero\")",
                        at: server.tunnelPort?.location ?? at, object: object)
                } else if let port = server.tunnelPort, port.value < 1 || port.value > 65535 {
                    report.add(
                        "--tun-port \(port.value) for \(server.addressText) is not a port 1…65535", at: port.location,
                        object: object)
                }
            case "gre":
                if let port = server.tunnelPort {
                    report.add("GRE tunnel to \(server.addressText) takes no --tun-port", at: port.location, object: object)
                }
                if let checksum = server.tunnelChecksum, checksum.value == "--tun-remcsum" {
                    report.add(
                        "GRE tunnel to \(server.addressText) does not support --tun-remcsum", at: checksum.location,
                        object: object)
                }
            default:
                report.add("--tun-type \(type) for \(server.addressText): expected ipip, gue or gre", at: at, object: object)
            }
        }
    }
}
