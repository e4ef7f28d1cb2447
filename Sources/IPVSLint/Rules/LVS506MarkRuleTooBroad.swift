/// A MARK producer for a -f service without -d, --dport or a set match: everything is balanced away. Docs: lint-rules/LVS506.md
struct MarkRuleTooBroad: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS506", name: "mark-rule-too-broad", severity: .warning, inputs: [.ipvsadm, .firewall],
        summary: "A MARK rule feeding a firewall-mark service matches no destination address or port")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for marked in FirewallMarks.services(inputs, report: &report) {
            for rule in marked.producers
            where rule.destination == nil && rule.destinationPorts == nil && !rule.matches.contains(where: { $0.name == "set" }) {
                report.add(
                    "\(rule.table) \(rule.chain) marks every packet for \(marked.service.identity) (no -d, --dport or set match): traffic to the director itself, SSH included, is balanced to the real servers",
                    at: rule.location, object: rule.objectKey, related: [marked.service.location])
            }
        }
        var reported = Set<SourceLocation>()
        for (service, _, producers) in NFTMarks.markedServices(inputs) {
            // A restore (`meta mark set ct mark`) gives back what a `ct mark set` chose for the
            // connection; that rule is the one to judge.
            for producer in producers
            where producer.selector == nil && !producer.isRestore && !Self.namesDestination(producer.rule) {
                // A chain only jumped to for some destinations (nftlb's `ip daddr . th dport vmap`).
                if let table = inputs.nftables?.table(producer.rule.family, producer.rule.table),
                    Self.enteredOnlyForDestinations(producer.rule.chain, in: table, visited: [])
                {
                    continue
                }
                guard reported.insert(producer.rule.location).inserted else { continue }
                report.add(
                    "\(producer.rule.place) marks every packet for \(service.identity) (no ip daddr, dport or set match): traffic to the director itself, SSH included, is balanced to the real servers",
                    at: producer.rule.location, object: producer.rule.objectKey, related: [service.location])
            }
        }
    }
}

extension MarkRuleTooBroad {
    /// Whether an nftables rule matches a destination address or port, alone or in a
    /// concatenation (`ip daddr . tcp dport @vips`).
    static func namesDestination(_ rule: NFTRule) -> Bool {
        func destination(_ expression: NFTExpression) -> Bool {
            switch expression {
            case .payload(_, let field): field == "daddr" || field == "dport"
            case .concatenation(let items): items.contains(where: destination)
            case .binary(_, let left, _): destination(left)
            default: false
            }
        }
        return rule.statements.contains { statement in
            if case .match(let left, let op, _) = statement, op != "!=" { return destination(left) }
            if case .verdictMap(let key, _) = statement { return destination(key) }
            return false
        }
    }

    /// Whether every way into a regular chain names a destination: each rule that jumps or
    /// goes to it (by verdict or verdict map) matches one, or sits in such a chain itself.
    static func enteredOnlyForDestinations(_ chain: String, in table: NFTTable, visited: Set<String>) -> Bool {
        guard table.chain(chain)?.base == nil, !visited.contains(chain) else { return false }
        var callers = 0
        for caller in table.chains {
            for rule in caller.rules where NFTMarks.jumpTargets(rule, in: table).contains(chain) {
                callers += 1
                guard
                    namesDestination(rule)
                        || enteredOnlyForDestinations(caller.name, in: table, visited: visited.union([chain]))
                else { return false }
            }
        }
        return callers > 0
    }
}
