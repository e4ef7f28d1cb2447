import IPVSModel

/// DNAT or REDIRECT on a VIP:port that an address service owns: nat PREROUTING rewrites the
/// destination before IPVS looks. Docs: lint-rules/LVS509.md
struct VIPDNATPreemptsIPVS: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS509", name: "vip-dnat-preempts-ipvs", severity: .error, inputs: [.ipvsadm, .firewall],
        summary: "DNAT or REDIRECT rewrites a virtual service's traffic before IPVS sees it")

    func check(_ inputs: LintInputs, into report: inout Report) {
        var reported = Set<SourceLocation>()
        // Per family: the DNAT rules that run before IPVS, indexed by destination, and for the
        // ones that name no destination, which can match each protocol and port.
        var prepared: [IPAddress.Family: ([IPTablesRule], DestinationIndex)] = [:]
        var general: [String: [Int]] = [:]
        for service in inputs.ipvs?.services ?? [] where !service.identity.isFirewallMark {
            if let nft = inputs.nftables { Self.checkNFT(nft, service, reported: &reported, into: &report) }
            guard let vip = service.packets.destination, let ruleset = inputs.firewall(for: service.identity.family) else {
                continue
            }
            let family = service.identity.family
            if prepared[family] == nil {
                let nat = ruleset.table("nat")
                let rules = (nat?.rules ?? []).filter { rule in
                    guard rule.target == "DNAT" || rule.target == "REDIRECT", let nat else { return false }
                    let chains = nat.builtinChains(reaching: rule.chain)
                    return chains.contains("PREROUTING") || chains.contains("OUTPUT")
                }
                prepared[family] = (rules, DestinationIndex(rules))
            }
            let (rules, index) = prepared[family]!
            guard !rules.isEmpty, let nat = inputs.firewall(for: family)?.table("nat") else { continue }
            let packet = service.packets
            var arrivals: [String: MatchResult] = [:]
            let portKey = "\(family)/\(packet.proto.map { "\($0)" } ?? "-")/\(packet.port.map(String.init) ?? "-")"
            if general[portKey] == nil {
                general[portKey] = index.unconstrained.filter {
                    if case .never = rules[$0].matches(packet) { false } else { true }
                }
            }
            for position in Set(general[portKey]! + index.candidates(excludingUnconstrained: vip)).sorted() {
                let rule = rules[position]
                let result = nat.arrival(at: rule.chain, of: packet, memo: &arrivals).and(rule.matches(packet))
                if case .never = result { continue }
                guard reported.insert(rule.location).inserted else { continue }
                let certainty = { if case .always = result { return "rewrites" } else { return "can rewrite" } }()
                report.add(
                    "nat \(rule.chain) \(rule.target!) \(certainty) traffic to \(service.identity) (nat runs at priority -100, IPVS at 99): the service never sees it",
                    at: rule.location, object: rule.objectKey, related: [service.location])
            }
        }
    }
}

extension VIPDNATPreemptsIPVS {
    /// nftables: `dnat` and `redirect` in nat chains hooked at prerouting or output (and the
    /// chains those jump to), which rewrite the destination before IPVS's LOCAL_IN hook.
    static func checkNFT(
        _ ruleset: NFTRuleset, _ service: ServiceDefinition, reported: inout Set<SourceLocation>, into report: inout Report
    ) {
        let packet = service.packets
        guard packet.destination != nil else { return }
        for table in NFTMarks.tables(ruleset, family: service.identity.family) {
            let nat = NFTMarks.chains(of: table) { $0.type == "nat" && ($0.hook == "prerouting" || $0.hook == "output") }
            var arrivals: [String: MatchResult] = [:]
            for chain in table.chains where nat.contains(chain.name) {
                for rule in chain.rules {
                    var rewrite: (String, MatchResult)?
                    for statement in rule.statements {
                        switch statement {
                        case .dnat(let address, _):
                            // `dnat to ip daddr map { VIP : backend }` only rewrites the VIPs it lists.
                            var keyed = MatchResult.always
                            if case .map(let key, let data)? = address {
                                keyed = .never
                                for case .mapping(let element, _) in NFTMarks.elements(of: data, in: table) {
                                    keyed = keyed.or(
                                        NFTMatching.match(key, "==", element, packet, table: table, ruleFamily: rule.family))
                                }
                            }
                            rewrite = ("dnat", keyed)
                        case .redirect: rewrite = ("redirect", .always)
                        default: continue
                        }
                    }
                    guard let (what, keyed) = rewrite else { continue }
                    let result = table.arrival(at: chain.name, of: packet, memo: &arrivals)
                        .and(rule.matches(packet, in: table)).and(keyed)
                    if case .never = result { continue }
                    guard reported.insert(rule.location).inserted else { continue }
                    let certainty = result == .always ? "rewrites" : "can rewrite"
                    report.add(
                        "\(rule.place) \(what) \(certainty) traffic to \(service.identity) (nat at \(NFTMarks.hooks(of: chain.name, in: table)) runs before IPVS at LOCAL_IN priority 99): the service never sees it",
                        at: rule.location, object: rule.objectKey, related: [service.location])
                }
            }
        }
    }
}
