/// A DR/TUN real server that may use the VIP as the source of its own ARP requests.
/// Docs: lint-rules/LVS702.md
struct DRRealServerARPAnnounce: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS702", name: "dr-rs-arp-announce", severity: .error, inputs: [.ipvsadm, .realServerSysctl],
        summary: "A DR or TUN real server may announce the VIP in ARP (arp_announce below 2)")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for host in RealServerSysctls.hosts(inputs, methods: ["-g", "-i"], report: &report) {
            let failing = RealServerSysctls.failing(host.sysctls, "arp_announce", minimum: 2)
            guard !failing.isEmpty else { continue }
            let detail = failing.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
            report.add(
                "real server \(host.servers.joined(separator: ", ")) (\(host.serviceNames)) has effective arp_announce = max(all, interface) below 2 (\(detail)): its ARP requests may carry the VIP and poison neighbours' caches; set net.ipv4.conf.all.arp_announce = 2",
                at: host.location(of: "net.ipv4.conf.all.arp_announce"), object: "sysctl=\(host.sysctls.host ?? "?")/arp_announce",
                related: host.related("net.ipv4.conf.all.arp_announce"))
        }
    }
}
