/// A DR/TUN real server that answers ARP for the VIP it holds on lo. Docs: lint-rules/LVS701.md
struct DRRealServerARPIgnore: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS701", name: "dr-rs-arp-ignore", severity: .error, inputs: [.ipvsadm, .realServerSysctl],
        summary: "A DR or TUN real server answers ARP for the VIP (arp_ignore below 1)")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for host in RealServerSysctls.hosts(inputs, methods: ["-g", "-i"], report: &report) {
            let failing = RealServerSysctls.failing(host.sysctls, "arp_ignore", minimum: 1)
            guard !failing.isEmpty else { continue }
            let detail = failing.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
            report.add(
                "real server \(host.servers.joined(separator: ", ")) (\(host.serviceNames)) has effective arp_ignore = max(all, interface) below 1 (\(detail)): it answers ARP for the VIP and can steal the director's traffic; set net.ipv4.conf.all.arp_ignore = 1",
                at: host.location(of: "net.ipv4.conf.all.arp_ignore"), object: "sysctl=\(host.sysctls.host ?? "?")/arp_ignore",
                related: host.related("net.ipv4.conf.all.arp_ignore"))
        }
    }
}
