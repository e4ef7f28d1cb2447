import IPVS

/// A DR/TUN real server that answers ARP for the VIP it holds on lo. Docs: lint-rules/LVS701.md
struct DRRealServerARPIgnore: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS701", name: "dr-rs-arp-ignore", severity: .error, inputs: [.ipvsadm, .realServerSysctl],
        summary: "A DR or TUN real server answers ARP for the VIP (arp_ignore below 1)")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for (set, servers, services) in RealServerSysctls.hosts(inputs, methods: ["-g", "-i"], report: &report) {
            let failing = RealServerSysctls.failing(set, "arp_ignore", minimum: 1)
            guard !failing.isEmpty else { continue }
            let detail = failing.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
            report.add(
                "real server \(servers.joined(separator: ", ")) (\(services.map(\.identity.description).joined(separator: ", "))) has effective arp_ignore = max(all, interface) below 1 (\(detail)): it answers ARP for the VIP and can steal the director's traffic; set net.ipv4.conf.all.arp_ignore = 1",
                at: set.location(of: "net.ipv4.conf.all.arp_ignore"), object: "sysctl=\(set.host ?? "?")/arp_ignore",
                related: services.map(\.location))
        }
    }
}
