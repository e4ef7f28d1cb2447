import IPVSModel

/// A DR/TUN real server that answers ARP for the VIP it holds on lo. Docs: lint-rules/LVS701.md
struct DRRealServerARPIgnore: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS701", name: "dr-rs-arp-ignore", severity: .error, inputs: [.ipvsadm, .realServerSysctl],
        summary: "A DR or TUN real server answers ARP for the VIP (arp_ignore below 1)")

    func check(_ inputs: LintInputs, into report: inout Report) {
        RealServerSysctls.report("arp_ignore", below: 1, methods: [.directRouting, .tunneling], inputs, into: &report) {
            host, detail in
            "real server \(host.servers.joined(separator: ", ")) (\(host.serviceNames)) has effective arp_ignore = max(all, interface) below 1 (\(detail)): it answers ARP for the VIP and can steal the director's traffic; set net.ipv4.conf.all.arp_ignore = 1"
        }
    }
}
