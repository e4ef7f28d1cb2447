import IPVSModel

/// Connection-tracking rules that act on IPVS traffic while net.ipv4.vs.conntrack is off: IPVS
/// packets are untracked, so state matches and NAT never apply to them. Docs: lint-rules/LVS513.md
struct StatefulRulesNeedIPVSConntrack: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS513", name: "stateful-rules-need-ipvs-conntrack", severity: .warning,
        inputs: [.ipvsadm, .firewall, .directorSysctl],
        summary: "Stateful firewall rules act on IPVS traffic but net.ipv4.vs.conntrack is off")

    func check(_ inputs: LintInputs, into report: inout Report) {
        guard let sysctls = inputs.directorSysctls else { return }
        let key = "net.ipv4.vs.conntrack"
        guard (sysctls.integer(key) ?? 0) != 1 else { return }
        let setting = sysctls.value(key).map { "\(key) = \($0.value)" } ?? "\(key) is not set (default 0)"
        var realServerList: [IPAddress] = []
        var vipList: [IPAddress] = []
        for service in inputs.ipvs?.services ?? [] {
            if let vip = service.identity.host?.address { vipList.append(vip) }
            for server in service.realServers { if let address = server.address.address { realServerList.append(address) } }
        }
        let realServers = AddressSet(realServerList)
        let touched = AddressSet(realServerList + vipList)
        guard !realServers.isEmpty else { return }
        for ruleset in inputs.firewalls {
            for table in ruleset.tables {
                for rule in table.rules {
                    let chains = table.builtinChains(reaching: rule.chain)
                    let stateful = rule.match("conntrack") != nil || rule.match("state") != nil || rule.match("connmark") != nil
                    let touches = Self.namesIPVS(rule, addresses: touched)
                    var why: String?
                    if stateful && touches && (chains.contains("FORWARD") || chains.contains("OUTPUT")) {
                        why = "matches connection state in \(rule.table) \(rule.chain)"
                    } else if rule.table == "nat" && chains.contains("POSTROUTING")
                        && (rule.target == "MASQUERADE" || rule.target == "SNAT")
                        && (rule.destination.map { Self.names($0, realServers) } ?? Self.isCatchAllSNAT(rule))
                    {
                        why = "\(rule.target!)s traffic to real servers in nat POSTROUTING"
                    } else if rule.target == "CONNMARK" && touches {
                        why = "uses CONNMARK"
                    }
                    guard let why else { continue }
                    report.add(
                        "rule \(why), but \(setting): IPVS traffic is untracked and never matches it; set \(key) = 1",
                        at: rule.location, object: rule.objectKey, related: [sysctls.location(of: key)])
                }
            }
        }
    }
}

extension StatefulRulesNeedIPVSConntrack {
    /// Whether a rule is about IPVS traffic: it names a VIP or real server (an address match
    /// that holds for one of them). Kubernetes', Docker's and CNI plugins' stateful rules match
    /// their own networks, marks and sets, or sit in chains that only their traffic enters.
    static func namesIPVS(_ rule: IPTablesRule, addresses: AddressSet) -> Bool {
        [rule.destination, rule.source].compactMap { $0 }.contains { names($0, addresses) }
    }

    /// Whether an address match written with networks holds for one of `addresses`: `-d ! X`
    /// and host names say nothing about IPVS.
    static func names(_ match: AddressMatch, _ addresses: AddressSet) -> Bool {
        !match.negated && match.networks != nil && addresses.mayMatch(match)
    }

    /// The one-arm SNAT of a NAT director, `-A POSTROUTING [-o IF] -j MASQUERADE`: written in
    /// the built-in chain itself and restricting nothing but the interface.
    static func isCatchAllSNAT(_ rule: IPTablesRule) -> Bool {
        rule.chain == "POSTROUTING" && rule.destination == nil && rule.source == nil
            && rule.matches.allSatisfy { $0.name == "comment" }
    }
}

extension MatchResult: Equatable {}
