import IPVSModel

/// Which nftables rules can leave a mark on the packets IPVS schedules: LVS501's view of an
/// `nft -j list ruleset`, as ``FirewallMarks`` is its view of iptables-save.
enum NFTMarks {
    /// A rule that sets the packet mark, and how.
    struct Producer {
        var rule: NFTRule
        var operation: MarkOperation
        /// Whether IPVS sees the mark: the rule's chain is, or is reached from, a prerouting
        /// chain or an input or output chain before IPVS's hook.
        var isEligible = true
        /// The chain is of type nat, which only sees a connection's first packet.
        var inNATChain = false
        /// For a mark looked up in a map, the lookup's key (`ip daddr . tcp dport`) and the
        /// element that gives this mark (`192.0.2.10 . 80`): the packets it marks.
        var selector: (key: NFTExpression, element: NFTExpression)?
        /// `meta mark set ct mark`: the mark the connection was given elsewhere.
        var isRestore = false
    }

    /// Tables whose chains see packets of `family`: `inet` and `netdev` see both.
    static func tables(_ ruleset: NFTRuleset, family: IPAddress.Family) -> [NFTTable] {
        ruleset.tables.filter { table in
            switch table.family {
            case .inet, .netdev: true
            case .ip: family == .ipv4
            case .ip6: family == .ipv6
            case .arp, .bridge: false
            }
        }
    }

    /// Whether IPVS sees a mark set in this base chain: IPVS schedules at LOCAL_IN priority 99
    /// (remote clients) and at LOCAL_OUT priority -98 (the director's own); prerouting and
    /// ingress come before both.
    static func seesMarks(of base: NFTChain.Base) -> Bool {
        switch base.hook {
        case "prerouting", "ingress": true
        case "input": base.priority < 99
        case "output": base.priority < -98
        default: false
        }
    }

    /// The chains of `table` whose marks IPVS sees: such base chains, and the chains they jump
    /// or go to, transitively, by a verdict or through a verdict map.
    static func eligibleChains(_ table: NFTTable) -> Set<String> {
        chains(of: table, reachableFrom: seesMarks)
    }

    /// The base chains of `table` that `isStart` picks, and the chains they jump or go to,
    /// transitively, by a verdict or through a verdict map.
    static func chains(of table: NFTTable, reachableFrom isStart: (NFTChain.Base) -> Bool) -> Set<String> {
        var found = Set(table.chains.filter { $0.base.map(isStart) ?? false }.map(\.name))
        var frontier = Array(found)
        while let name = frontier.popLast() {
            for rule in table.chain(name)?.rules ?? [] {
                for target in jumpTargets(rule, in: table) where found.insert(target).inserted { frontier.append(target) }
            }
        }
        return found
    }

    /// `input priority 100` for a base chain; for a regular chain, the base chains that reach it.
    static func hooks(of chain: String, in table: NFTTable) -> String {
        if let base = table.chain(chain)?.base { return "\(base.hook) priority \(base.priority)" }
        let bases = table.chains.compactMap { candidate -> String? in
            guard let base = candidate.base,
                NFTMarks.chains(of: table, reachableFrom: { $0 == base }).contains(chain)
            else { return nil }
            return "\(base.hook) priority \(base.priority)"
        }
        return bases.isEmpty ? "no hook: no base chain reaches it" : bases.joined(separator: ", ")
    }

    /// The chains a rule can continue in: `jump`/`goto`, and the jumps of a verdict map.
    static func jumpTargets(_ rule: NFTRule, in table: NFTTable) -> [String] {
        var targets: [String] = []
        for statement in rule.statements {
            switch statement {
            case .verdict(.jump(let target)), .verdict(.goto(let target)): targets.append(target)
            case .verdictMap(_, let data):
                for case .mapping(_, .text(let verdict)) in elements(of: data, in: table) {
                    switch NFTVerdict(written: verdict) {
                    case .jump(let target)?, .goto(let target)?: targets.append(target)
                    default: break
                    }
                }
            default: break
            }
        }
        return targets
    }

    /// Whether nftables sets `mark` for `family`'s packets, where IPVS sees it or too late
    /// (LVS502's case); nil without `--nftables`.
    static func feeds(_ inputs: LintInputs, family: IPAddress.Family, mark: UInt32) -> Bool? {
        inputs.nftables.map { nft in
            producers(nft, family: family, includingLate: true).contains { $0.operation.canProduce(mark) }
        }
    }

    /// The elements of a map a lookup names: a named map of the table, or an anonymous one.
    static func elements(of data: NFTExpression, in table: NFTTable) -> [NFTExpression] {
        switch data {
        case .reference(let name): table.set(name)?.elements ?? []
        case .set(let items): items
        default: []
        }
    }

    /// Every rule IPVS sees that sets the packet mark of `family`'s packets; with
    /// `includingLate`, also those in chains IPVS has passed (``Producer/isEligible`` false).
    static func producers(_ ruleset: NFTRuleset, family: IPAddress.Family, includingLate: Bool = false) -> [Producer] {
        var out: [Producer] = []
        // What `meta mark set ct mark` restores: the connection marks any table sets (conntrack
        // is one table for the whole network namespace).
        var restored: [MarkOperation] = []
        for table in ruleset.tables {
            for chain in table.chains {
                for rule in chain.rules {
                    for case .setMark(.connection, let value) in rule.statements {
                        restored += operations(value, in: table, restored: [])
                    }
                }
            }
        }
        for table in tables(ruleset, family: family) {
            let eligible = eligibleChains(table)
            let nat = chains(of: table) { $0.type == "nat" }
            for chain in table.chains where includingLate || eligible.contains(chain.name) {
                for rule in chain.rules {
                    for case .setMark(.packet, let value) in rule.statements {
                        let (isEligible, inNAT) = (eligible.contains(chain.name), nat.contains(chain.name))
                        if case .map(let key, let data) = value {
                            for case .mapping(let element, .number(let number)) in elements(of: data, in: table)
                            where number <= UInt64(UInt32.max) {
                                let operation = MarkOperation(
                                    value: UInt32(number), mask: .max, written: "meta mark set … map (\(number))")
                                out.append(
                                    Producer(
                                        rule: rule, operation: operation, isEligible: isEligible, inNATChain: inNAT,
                                        selector: (key, element)))
                            }
                            continue
                        }
                        out += operations(value, in: table, restored: restored).map {
                            Producer(
                                rule: rule, operation: $0, isEligible: isEligible, inNATChain: inNAT,
                                isRestore: value == .conntrack("mark"))
                        }
                    }
                }
            }
        }
        return out
    }

    /// The mark operations a `meta mark set VALUE` can perform: a constant, each value of a
    /// map it looks up, bits it ORs in, or the connection marks it restores.
    static func operations(_ value: NFTExpression, in table: NFTTable, restored: [MarkOperation]) -> [MarkOperation] {
        func whole(_ number: UInt64, _ written: String) -> MarkOperation? {
            guard number <= UInt64(UInt32.max) else { return nil }
            return MarkOperation(value: UInt32(number), mask: .max, written: written)
        }
        switch value {
        case .number(let number):
            return whole(number, "meta mark set \(number)").map { [$0] } ?? []
        case .map(_, let data):
            return elements(of: data, in: table).compactMap { element in
                guard case .mapping(_, .number(let number)) = element else { return nil }
                return whole(number, "meta mark set … map (\(number))")
            }
        case .binary("|", .meta("mark"), .number(let bits)), .binary("|", .number(let bits), .meta("mark")):
            guard bits <= UInt64(UInt32.max) else { return [] }
            return [MarkOperation(value: UInt32(bits), mask: UInt32(bits), written: "meta mark set meta mark | \(bits)")]
        // `meta mark set meta mark & KEEP | BITS`: the bits outside KEEP are cleared, BITS set.
        case .binary("|", .binary("&", .meta("mark"), .number(let keep)), .number(let bits)):
            guard keep <= UInt64(UInt32.max), bits <= UInt64(UInt32.max) else { return [] }
            return [
                MarkOperation(
                    value: UInt32(bits), mask: ~UInt32(keep) | UInt32(bits),
                    written: "meta mark set meta mark & \(keep) | \(bits)")
            ]
        case .conntrack("mark"):
            return restored
        default:
            return []
        }
    }

    /// Firewall-mark services of a valid mark with the nftables rules that can leave exactly
    /// it (in chains IPVS sees, and with `includingLate` in those it has passed).
    static func markedServices(_ inputs: LintInputs, includingLate: Bool = false) -> [(
        service: ServiceDefinition, mark: UInt32, producers: [Producer]
    )] {
        guard let nft = inputs.nftables else { return [] }
        var byFamily: [IPAddress.Family: [Producer]] = [:]
        var out: [(ServiceDefinition, UInt32, [Producer])] = []
        for service in inputs.ipvs?.services ?? [] {
            guard case .firewallMark(let value, _) = service.identity, value > 0, value <= Int64(UInt32.max) else { continue }
            let family = service.identity.family
            if byFamily[family] == nil { byFamily[family] = producers(nft, family: family, includingLate: includingLate) }
            let mark = UInt32(value)
            out.append((service, mark, byFamily[family]!.filter { $0.operation.canProduce(mark) }))
        }
        return out
    }
}
