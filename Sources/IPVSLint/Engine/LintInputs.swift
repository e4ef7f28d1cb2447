public import IPVSModel

/// Everything the rules may read, parsed. Any input may be missing; rules declare which they need.
public struct LintInputs: Sendable {
    public var ipvs: IPVSConfiguration?
    public var iptables: IPTablesRuleset?
    public var ip6tables: IPTablesRuleset?
    /// `nft -j list ruleset`; today LVS501 reads its marks (issue 23: the other firewall rules).
    public var nftables: NFTRuleset?
    public var directorSysctls: SysctlSet?
    public var realServerSysctls: [SysctlSet] = []
    /// From `--timeouts`; see ``effectiveTimeouts`` for the `--set` lines of a rules file.
    public var timeouts: TimeoutSettings?
    /// Schedulers the target kernel has (`facts.schedulers`); nil means the mainline list.
    public var knownSchedulers: Set<String>?
    /// What the files cannot say (`facts:`); rules that need a fact are skipped without it.
    public var facts = DirectorFacts()

    public init() {}

    public var available: Set<InputKind> {
        var kinds = Set<InputKind>()
        if ipvs != nil { kinds.insert(.ipvsadm) }
        if iptables != nil || ip6tables != nil || nftables != nil { kinds.insert(.firewall) }
        if directorSysctls != nil { kinds.insert(.directorSysctl) }
        if !realServerSysctls.isEmpty { kinds.insert(.realServerSysctl) }
        if effectiveTimeouts != nil { kinds.insert(.timeouts) }
        if facts.kernel != nil { kinds.insert(.kernelFact) }
        if facts.healthChecker != nil { kinds.insert(.healthCheckerFact) }
        if facts.vrrpRole != nil { kinds.insert(.vrrpRoleFact) }
        return kinds
    }

    /// `--timeouts`, else the last `--set` of the rules file (a 0 keeps the kernel's default).
    public var effectiveTimeouts: TimeoutSettings? {
        if let timeouts { return timeouts }
        guard let set = ipvs?.timeoutSettings.last, set.value.count == 3 else { return nil }
        let defaults: [Int64] = [900, 120, 300]
        let values = zip(set.value, defaults).map { $0 == 0 ? $1 : $0 }
        return TimeoutSettings(
            tcp: Located(values[0], set.location), tcpFin: Located(values[1], set.location), udp: Located(values[2], set.location)
        )
    }

    /// On an iptables-nft host the same rules are in iptables-save and in the nftables
    /// listing: nftables owns every table it shows, and iptables-save keeps only what nftables
    /// cannot show, so that no rule counts twice. That is the tables nftables does not list
    /// (iptables-legacy's), and those whose rules nftables lists as bare `xt` extensions (its
    /// JSON does for iptables-nft's MARK targets and multiport matches), which iptables-save
    /// shows whole. Returns the inputs so reduced, and what was set aside, with where.
    public func givingNFTItsTables() -> (LintInputs, [(String, SourceLocation)]) {
        guard var nft = nftables else { return (self, []) }
        var out = self
        var setAside: [(String, SourceLocation)] = []
        for (ruleset, family) in [(iptables, NFTFamily.ip), (ip6tables, .ip6)] {
            guard let ruleset else { continue }
            let tool = ruleset.family == .ipv6 ? "ip6tables" : "iptables"
            var fromNFT = Set<String>()
            for table in ruleset.tables {
                // The same table, not a native one of the same name beside iptables-legacy's: an
                // iptables-nft table has iptables' chains, its base chains named after their hooks.
                guard let shown = nft.table(family, table.name),
                    Set(table.chains.map(\.name)).isSubset(of: shown.chains.map(\.name)),
                    shown.chains.allSatisfy({
                        $0.base == nil || IPTablesTable.builtinChains[table.name]?.contains($0.name) == true
                    })
                else { continue }
                let opaque = shown.chains.contains { $0.rules.contains { $0.statements.contains(.other("xt")) } }
                if opaque {
                    nft.tables.removeAll { $0.family == family && $0.name == table.name }
                    setAside.append(
                        (
                            "nftables \(family.rawValue) \(table.name): read from \(tool)-save instead (nft lists its rules as xt extensions)",
                            shown.location
                        ))
                } else {
                    fromNFT.insert(table.name)
                    setAside.append(
                        (
                            "\(tool) table \(table.name): read from nftables \(family.rawValue) \(table.name) instead",
                            table.location
                        ))
                }
            }
            if family == .ip {
                out.iptables = ruleset.removing(tables: fromNFT)
            } else {
                out.ip6tables = ruleset.removing(tables: fromNFT)
            }
        }
        out.nftables = nft
        return (out, setAside)
    }

    /// The mark keepalived's `nftables_ipvs` sets for a service of `family`, if it does.
    public func keepalivedMark(_ mark: UInt32, family: IPAddress.Family) -> KeepalivedMark? {
        ipvs?.keepalivedMarks.first { $0.mark == mark && $0.family == family }
    }

    /// The firewall dumps given, IPv4 first.
    public var firewalls: [IPTablesRuleset] { [iptables, ip6tables].compactMap { $0 } }

    /// The firewall dump for a family.
    public func firewall(for family: IPAddress.Family) -> IPTablesRuleset? {
        family == .ipv4 ? iptables : ip6tables
    }

    /// The sysctls given for a real server, matched by address or by the name as written.
    public func sysctls(for server: RealServerDefinition) -> SysctlSet? {
        realServerSysctls.first { set in
            guard let host = set.host else { return false }
            if let address = server.address.address, let given = IPAddress(host) { return address == given }
            return host == server.addressText || host == server.address.description
        }
    }

    /// Every real server with its service, produced as the rule iterates rather than built as
    /// an array (a big director has 100,000 of them).
    public var realServers: some Sequence<(ServiceDefinition, RealServerDefinition)> {
        (ipvs?.services ?? []).lazy.flatMap { service in service.realServers.lazy.map { (service, $0) } }
    }

    public static let mainlineSchedulers = Set(Scheduler.mainline.map(\.name))
}
