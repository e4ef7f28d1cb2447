import IPVSModel

/// A real server equal to a VIP of the same file, or loopback: the director serves it itself. Docs: lint-rules/LVS205.md
struct RealServerIsLocalAddress: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS205", name: "real-server-is-local-address", severity: .warning, inputs: [.ipvsadm],
        summary: "A real server that is one of the director's own virtual addresses, or a loopback address")

    func check(_ inputs: LintInputs, into report: inout Report) {
        let vips = Set((inputs.ipvs?.services ?? []).compactMap { $0.identity.host?.address })
        for (service, server) in inputs.realServers {
            guard let address = server.address.address else { continue }
            let loopback = address.family == .ipv4 ? address.ipv4Value >> 24 == 127 : address.description == "::1"
            guard loopback || vips.contains(address) else { continue }
            report.add(
                "real server \(address) of \(service.identity) is \(loopback ? "a loopback address" : "a virtual address of this director"): the kernel forwards locally (LocalNode), so a daemon on the director itself must listen; usually a typo for a real server's address",
                at: server.addressLocation, object: service.identity.objectKey + "/rs=" + address.description,
                severity: loopback ? .info : nil)
        }
    }
}
