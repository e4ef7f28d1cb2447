import IPVSModel

/// What the 5xx rules share: where MARK rules sit relative to IPVS's netfilter hooks.
enum FirewallMarks {
    /// Chains whose MARK rules are seen by IPVS for traffic from remote clients (IPVS runs at
    /// LOCAL_IN priority 99) and from local clients (LOCAL_OUT priority -98).
    static let eligible: Set<String> = [
        "raw/PREROUTING", "mangle/PREROUTING", "nat/PREROUTING", "mangle/INPUT", "filter/INPUT", "security/INPUT",
        "raw/OUTPUT", "mangle/OUTPUT", "nat/OUTPUT",
    ]

    /// Whether IPVS can see a mark set by this rule: its chain is, or is reached from, an
    /// eligible built-in chain.
    static func isEligible(_ rule: IPTablesRule, in ruleset: IPTablesRuleset) -> Bool {
        guard let table = ruleset.table(rule.table) else { return false }
        return table.builtinChains(reaching: rule.chain).contains { eligible.contains("\(rule.table)/\($0)") }
    }

    /// A firewall-mark service with the dump of its family.
    struct MarkedService {
        var service: ServiceDefinition
        var mark: UInt32
        var ruleset: IPTablesRuleset

        /// The MARK rules that can leave exactly this service's mark.
        var producers: [IPTablesRule] { ruleset.producers(of: mark) }
    }

    /// Firewall-mark services with a valid mark and the dump of their family, or a note why not.
    static func services(_ inputs: LintInputs, report: inout Report) -> [MarkedService] {
        var out: [MarkedService] = []
        for service in inputs.ipvs?.services ?? [] {
            guard case .firewallMark(let mark, _) = service.identity, mark > 0, mark <= Int64(UInt32.max) else { continue }
            guard let ruleset = inputs.firewall(for: service.identity.family) else {
                // With --nftables the rule reads that instead (NFTMarks).
                if inputs.nftables == nil {
                    report.skip(
                        "\(service.identity): no \(service.identity.family == .ipv6 ? "--ip6tables" : "--iptables") input")
                }
                continue
            }
            out.append(MarkedService(service: service, mark: UInt32(mark), ruleset: ruleset))
        }
        return out
    }
}
