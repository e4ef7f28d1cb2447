import IPVSModel

/// TCP :21 with -g/-i real servers and no -p: FTP data connections go to another server. Docs: lint-rules/LVS208.md
struct FTPDirectWithoutPersistence: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS208", name: "ftp-dr-tun-without-persistence", severity: .warning, inputs: [.ipvsadm],
        summary: "An FTP service (TCP port 21) with DR or tunnel real servers and no persistence")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] where !service.isPersistent {
            guard service.identity.proto == .tcp, service.identity.port?.number == 21 else { continue }
            guard
                let server = service.realServers.first(where: { $0.forwarding == .directRouting || $0.forwarding == .tunneling })
            else { continue }
            report.add(
                "FTP on \(service.identity) with \(server.forwarding == .tunneling ? "tunnel" : "DR") real server \(server.addressText) and no -p: each data connection is scheduled on its own and may reach another server than the control connection",
                at: service.location, object: service.identity.objectKey)
        }
    }
}
