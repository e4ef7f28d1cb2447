import IPVSModel

/// Two whole-mark MARK rules with the same match in one chain: the first one is dead. Only
/// when one of the two marks is a firewall-mark service's: other marks are not IPVS's
/// business. Docs: lint-rules/LVS505.md
struct MarkRuleOverridden: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS505", name: "mark-rule-overridden", severity: .warning, inputs: [.ipvsadm, .firewall],
        summary: "A MARK rule whose mark a later MARK rule with the same match replaces")

    func check(_ inputs: LintInputs, into report: inout Report) {
        let services = FirewallMarks.services(inputs, report: &report)
        for family in [IPAddress.Family.ipv4, .ipv6] {
            guard let ruleset = inputs.firewall(for: family) else { continue }
            let marks = Set(services.filter { $0.service.identity.family == family }.map(\.mark))
            for table in ruleset.tables {
                var lastByMatch: [String: IPTablesRule] = [:]
                for rule in table.rules {
                    guard let mark = rule.markOperation, mark.setsWholeMark else { continue }
                    let match =
                        rule.chain + "|"
                        + String((rule.text.firstRange(of: " -j ").map { rule.text[..<$0.lowerBound] }) ?? rule.text[...])
                    if let earlier = lastByMatch[match], let replaced = earlier.markOperation, replaced.value != mark.value,
                        marks.contains(replaced.value) || marks.contains(mark.value)
                    {
                        report.add(
                            "\(table.name) \(rule.chain): this MARK \(replaced) is replaced by the MARK \(mark) of a later rule with the same match, so no packet keeps it",
                            at: earlier.location, object: earlier.objectKey, related: [rule.location])
                    }
                    lastByMatch[match] = rule
                }
            }
        }
        if let nft = inputs.nftables {
            Self.checkNFT(nft, marks: Set(NFTMarks.markedServices(inputs).map(\.mark)), into: &report)
        }
    }
}

extension MarkRuleOverridden {
    /// nftables: two rules of one chain that set constant marks with the same matches and no
    /// verdict between them (a verdict would keep the packet from the second rule).
    static func checkNFT(_ ruleset: NFTRuleset, marks: Set<UInt32>, into report: inout Report) {
        for table in ruleset.tables {
            for chain in table.chains {
                var lastByMatch: [[NFTStatement]: (NFTRule, UInt32)] = [:]
                for rule in chain.rules {
                    // A verdict between two mark rules keeps some packets from the second one.
                    guard rule.verdict == nil,
                        !rule.statements.contains(where: { if case .verdictMap = $0 { true } else { false } })
                    else {
                        lastByMatch = [:]
                        continue
                    }
                    var value: UInt32?
                    var matches: [NFTStatement] = []
                    for statement in rule.statements {
                        switch statement {
                        case .setMark(.packet, .number(let number)) where number <= UInt64(UInt32.max): value = UInt32(number)
                        case .other("counter"), .other("comment"), .other("log"): continue
                        // Matches, and what only some packets pass (`limit`), tell rules apart.
                        default: matches.append(statement)
                        }
                    }
                    guard let value else { continue }
                    if let (earlier, replaced) = lastByMatch[matches], replaced != value,
                        marks.contains(replaced) || marks.contains(value)
                    {
                        report.add(
                            "\(earlier.place): this meta mark set \(replaced) is replaced by the meta mark set \(value) of a later rule with the same match, so no packet keeps it",
                            at: earlier.location, object: earlier.objectKey, related: [rule.location])
                    }
                    lastByMatch[matches] = (rule, value)
                }
            }
        }
    }
}
