import IPVSModel

/// Which nftables rules can leave a mark on the packets IPVS schedules: LVS501's view of an
/// `nft -j list ruleset`, as ``FirewallMarks`` is its view of iptables-save.
enum NFTMarks {
    /// A rule that sets the packet mark, and how.
    struct Producer {
        var rule: NFTRule
        var operation: MarkOperation
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
        var found = Set(table.chains.filter { $0.base.map(seesMarks) ?? false }.map(\.name))
        var frontier = Array(found)
        while let name = frontier.popLast() {
            for rule in table.chain(name)?.rules ?? [] {
                for target in jumpTargets(rule, in: table) where found.insert(target).inserted { frontier.append(target) }
            }
        }
        return found
    }

    /// The chains a rule can continue in: `jump`/`goto`, and the jumps of a verdict map.
    static func jumpTargets(_ rule: NFTRule, in table: NFTTable) -> [String] {
        var targets: [String] = []
        for statement in rule.statements {
            switch statement {
            case .verdict(.jump(let target)), .verdict(.goto(let target)): targets.append(target)
            case .verdictMap(_, let data):
                for case .mapping(_, .text(let verdict)) in elements(of: data, in: table) {
                    let words = verdict.split(separator: " ")
                    if words.count == 2, words[0] == "jump" || words[0] == "goto" { targets.append(String(words[1])) }
                }
            default: break
            }
        }
        return targets
    }

    /// Whether nftables sets `mark` where IPVS sees it for `family`'s packets; nil without
    /// `--nftables`.
    static func feeds(_ inputs: LintInputs, family: IPAddress.Family, mark: UInt32) -> Bool? {
        inputs.nftables.map { nft in producers(nft, family: family).contains { $0.operation.canProduce(mark) } }
    }

    /// The elements of a map a lookup names: a named map of the table, or an anonymous one.
    static func elements(of data: NFTExpression, in table: NFTTable) -> [NFTExpression] {
        switch data {
        case .reference(let name): table.set(name)?.elements ?? []
        case .set(let items): items
        default: []
        }
    }

    /// Every rule IPVS sees that sets the packet mark of `family`'s packets.
    static func producers(_ ruleset: NFTRuleset, family: IPAddress.Family) -> [Producer] {
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
            for chain in table.chains where eligible.contains(chain.name) {
                for rule in chain.rules {
                    for case .setMark(.packet, let value) in rule.statements {
                        out += operations(value, in: table, restored: restored).map { Producer(rule: rule, operation: $0) }
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
}
