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
        if let nft = inputs.nftables {
            Self.checkNFT(nft, realServers: realServers, touched: touched, setting: setting, sysctls: sysctls, into: &report)
        }
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

extension StatefulRulesNeedIPVSConntrack {
    /// nftables: `ct …` matches naming IPVS addresses in chains reached from forward or output
    /// hooks, masquerade or snat toward real servers in nat postrouting, `ct mark set` on IPVS
    /// traffic.
    static func checkNFT(
        _ ruleset: NFTRuleset, realServers: AddressSet, touched: AddressSet, setting: String, sysctls: SysctlSet,
        into report: inout Report
    ) {
        let key = "net.ipv4.vs.conntrack"
        for table in ruleset.tables {
            let forwardOrOutput = NFTMarks.chains(of: table) { $0.hook == "forward" || $0.hook == "output" }
            let postrouting = NFTMarks.chains(of: table) { $0.type == "nat" && $0.hook == "postrouting" }
            for chain in table.chains {
                for rule in chain.rules {
                    let touches = names(rule, touched, in: table)
                    let stateful = rule.statements.contains {
                        if case .match(.conntrack, _, _) = $0 { return true }
                        return false
                    }
                    let setsConnectionMark = rule.statements.contains {
                        if case .setMark(.connection, _) = $0 { return true }
                        return false
                    }
                    let translates = rule.statements.contains { $0 == .other("masquerade") || $0 == .other("snat") }
                    let addressed = rule.statements.contains {
                        if case .match(.payload(_, let field), _, _) = $0 { return field == "daddr" || field == "saddr" }
                        return false
                    }
                    var why: String?
                    if stateful && touches && forwardOrOutput.contains(chain.name) {
                        why = "matches connection state in \(rule.place)"
                    } else if translates && postrouting.contains(chain.name)
                        && (names(rule, realServers, in: table, fields: ["daddr"]) || (!addressed && chain.base != nil))
                    {
                        why = "masquerades or SNATs traffic to real servers in \(rule.place)"
                    } else if setsConnectionMark && touches {
                        why = "sets ct mark in \(rule.place)"
                    }
                    guard let why else { continue }
                    report.add(
                        "rule \(why), but \(setting): IPVS traffic is untracked and never matches it; set \(key) = 1",
                        at: rule.location, object: rule.objectKey, related: [sysctls.location(of: key)])
                }
            }
        }
    }

    /// Whether the rule's `ip daddr`/`ip saddr` (== or a set) holds for one of `addresses`.
    static func names(_ rule: NFTRule, _ addresses: AddressSet, in table: NFTTable, fields: Set<String> = ["daddr", "saddr"])
        -> Bool
    {
        for case .match(.payload(let proto, let field), let op, let right) in rule.statements
        where (proto == "ip" || proto == "ip6") && fields.contains(field) && op != "!=" {
            var networks: [AddressMatch.Network] = []
            for value in NFTMatching.values(right, table: table) ?? [] {
                switch value {
                case .text(let text):
                    if let address = IPAddress(text) {
                        networks.append(.init(address: address, prefixLength: address.family == .ipv4 ? 32 : 128))
                    }
                case .prefix(.text(let text), let length):
                    if let address = IPAddress(text) { networks.append(.init(address: address, prefixLength: length)) }
                default: continue
                }
            }
            if !networks.isEmpty, addresses.mayMatch(AddressMatch(negated: false, networks: networks, text: "")) { return true }
        }
        return false
    }
}
