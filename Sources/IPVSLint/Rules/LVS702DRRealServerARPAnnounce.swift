import IPVS

/// A DR/TUN real server that may use the VIP as the source of its own ARP requests.
/// Docs: lint-rules/LVS702.md
struct DRRealServerARPAnnounce: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS702", name: "dr-rs-arp-announce", severity: .error, inputs: [.ipvsadm, .realServerSysctl],
        summary: "A DR or TUN real server may announce the VIP in ARP (arp_announce below 2)")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for (set, servers, services) in RealServerSysctls.hosts(inputs, methods: ["-g", "-i"], report: &report) {
            let failing = RealServerSysctls.failing(set, "arp_announce", minimum: 2)
            guard !failing.isEmpty else { continue }
            let detail = failing.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
            report.add(
                "real server \(servers.joined(separator: ", ")) (\(services.map(\.identity.description).joined(separator: ", "))) has effective arp_announce = max(all, interface) below 2 (\(detail)): its ARP requests may carry the VIP and poison neighbours' caches; set net.ipv4.conf.all.arp_announce = 2",
                at: set.location(of: "net.ipv4.conf.all.arp_announce"), object: "sysctl=\(set.host ?? "?")/arp_announce",
                related: services.map(\.location))
        }
    }
}
