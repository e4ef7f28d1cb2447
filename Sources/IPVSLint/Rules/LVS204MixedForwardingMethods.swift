/// Real servers of one service with different forwarding methods. Docs: lint-rules/LVS204.md
struct MixedForwardingMethods: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS204", name: "mixed-forwarding-methods", severity: .warning, inputs: [.ipvsadm],
        summary: "One service mixes forwarding methods (-g, -m, -i)")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] {
            var byMethod: [String: [String]] = [:]
            for server in service.realServers { byMethod[server.forwarding.flag, default: []].append(server.addressText) }
            guard byMethod.count > 1 else { continue }
            let detail = byMethod.keys.sorted().map { "\($0): \(byMethod[$0]!.joined(separator: ", "))" }.joined(separator: "; ")
            report.add(
                "\(service.identity) mixes forwarding methods (\(detail)); NAT and DR/TUN real servers need opposite set-ups, so one group is likely wrong (-g is ipvsadm's default)",
                at: service.location, object: service.identity.objectKey, related: service.realServers.map(\.location))
        }
    }
}
