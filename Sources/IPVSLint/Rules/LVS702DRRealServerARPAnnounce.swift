import IPVSModel

/// A DR/TUN real server that may use the VIP as the source of its own ARP requests.
/// Docs: lint-rules/LVS702.md
struct DRRealServerARPAnnounce: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS702", name: "dr-rs-arp-announce", severity: .error, inputs: [.ipvsadm, .realServerSysctl],
        summary: "A DR or TUN real server may announce the VIP in ARP (arp_announce below 2)")

    func check(_ inputs: LintInputs, into report: inout Report) {
        RealServerSysctls.report("arp_announce", below: 2, methods: [.directRouting, .tunneling], inputs, into: &report) {
            host, detail in
            "real server \(host.servers.joined(separator: ", ")) (\(host.serviceNames)) has effective arp_announce = max(all, interface) below 2 (\(detail)): its ARP requests may carry the VIP and poison neighbours' caches; set net.ipv4.conf.all.arp_announce = 2"
        }
    }
}
