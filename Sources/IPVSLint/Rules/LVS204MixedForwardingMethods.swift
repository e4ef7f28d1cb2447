/// Real servers of one service with different forwarding methods. Docs: lint-rules/LVS204.md
struct MixedForwardingMethods: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS204", name: "mixed-forwarding-methods", severity: .warning, inputs: [.ipvsadm],
        summary: "One service mixes forwarding methods (-g, -m, -i)")

    func check(_ inputs: LintInputs, into report: inout Report) {
        // Worded as the input writes it: ipvsadm's switches, or keepalived's lb_kind names.
        let keepalived = inputs.ipvs?.fromKeepalived == true
        let fallback =
            keepalived
            ? "NAT is keepalived's default, for a real_server without lvs_method and a virtual_server without lb_kind"
            : "-g is ipvsadm's default"
        for service in inputs.ipvs?.services ?? [] {
            var byMethod: [String: [String]] = [:]
            for server in service.realServers {
                byMethod[keepalived ? server.forwarding.keepalivedName : server.forwarding.flag, default: []].append(
                    server.addressText)
            }
            guard byMethod.count > 1 else { continue }
            let detail = byMethod.keys.sorted().map { "\($0): \(byMethod[$0]!.joined(separator: ", "))" }.joined(separator: "; ")
            report.add(
                "\(service.identity) mixes forwarding methods (\(detail)); NAT and DR/TUN real servers need opposite set-ups, so one group is likely wrong (\(fallback))",
                at: service.location, object: service.identity.objectKey, related: service.realServers.map(\.location))
        }
    }
}
