import IPVSModel

/// A TUN real server with strict reverse-path filtering on tunl0: decapsulated packets carry the
/// client's address, whose route is not tunl0, and are dropped. Docs: lint-rules/LVS704.md
struct TunRealServerRPFilterStrict: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS704", name: "tun-rs-rp-filter-strict", severity: .error, inputs: [.ipvsadm, .realServerSysctl],
        summary: "A TUN real server drops decapsulated packets (strict rp_filter on tunl0)")

    func check(_ inputs: LintInputs, into report: inout Report) {
        RealServerSysctls.report("rp_filter", methods: [.tunneling], inputs, into: &report) { host in
            let (value, source) = host.sysctls.effectiveMax("rp_filter", interface: "tunl0")
            guard value == 1 else { return nil }
            return (
                "real server \(host.servers.joined(separator: ", ")) (\(host.serviceNames)) has effective rp_filter 1 (strict) on tunl0 = max(all, tunl0): decapsulated packets are dropped; set both net.ipv4.conf.all.rp_filter and net.ipv4.conf.tunl0.rp_filter to 0 or 2",
                source?.location ?? host.firstServerLocation
            )
        }
    }
}
