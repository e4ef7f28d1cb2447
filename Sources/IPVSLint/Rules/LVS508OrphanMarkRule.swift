import IPVSModel

/// A whole-mark MARK rule IPVS could see whose value no -f service has. Docs: lint-rules/LVS508.md
struct OrphanMarkRule: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS508", name: "orphan-mark-rule", severity: .info, inputs: [.ipvsadm, .firewall],
        summary: "A MARK rule in a chain IPVS sees sets a mark no firewall-mark service uses")

    func check(_ inputs: LintInputs, into report: inout Report) {
        let services = inputs.ipvs?.services ?? []
        for ruleset in inputs.firewalls {
            let ipv6 = ruleset.family == .ipv6
            var marks = Set<Int64>()
            var unfed = false
            for service in services {
                guard case .firewallMark(let mark, let family6) = service.identity else { continue }
                // A mark of the other family's service: LVS507 reports that mismatch.
                marks.insert(mark)
                if family6 == ipv6, mark > 0, mark <= Int64(UInt32.max), ruleset.producers(of: UInt32(mark)).isEmpty,
                    NFTMarks.feeds(inputs, family: ruleset.family, mark: UInt32(mark)) != true
                {
                    unfed = true
                }
            }
            // A service of this family that no rule feeds: the odd mark is probably its typo,
            // which LVS501 reports.
            if unfed { continue }
            for rule in ruleset.markRules {
                guard let mark = rule.markOperation, mark.setsWholeMark, mark.value != 0,
                    FirewallMarks.isEligible(rule, in: ruleset),
                    !marks.contains(Int64(mark.value))
                else { continue }
                report.add(
                    "\(rule.table) \(rule.chain) sets mark \(mark.value) but no \(ipv6 ? "IPv6 " : "")firewall-mark service -f \(mark.value)\(ipv6 ? " -6" : "") exists: a removed service, or a mark for policy routing",
                    at: rule.location, object: rule.objectKey)
            }
        }
        if let nft = inputs.nftables { Self.checkNFT(nft, inputs, into: &report) }
    }
}

extension OrphanMarkRule {
    /// nftables: a constant whole mark set where IPVS sees it that no firewall-mark service of
    /// a family the table sees has (an inet table's mark may serve either family).
    static func checkNFT(_ ruleset: NFTRuleset, _ inputs: LintInputs, into report: inout Report) {
        var marks: [IPAddress.Family: Set<UInt32>] = [.ipv4: [], .ipv6: []]
        for case .firewallMark(let mark, let ipv6) in (inputs.ipvs?.services ?? []).map(\.identity)
        where mark > 0 && mark <= Int64(UInt32.max) {
            marks[ipv6 ? .ipv6 : .ipv4]!.insert(UInt32(mark))
        }
        // A service no rule feeds: the odd mark is probably its typo, which LVS501 reports.
        for service in NFTMarks.markedServices(inputs, includingLate: true) where service.producers.isEmpty {
            let family = service.service.identity.family
            if inputs.firewall(for: family)?.producers(of: service.mark).isEmpty ?? true { return }
        }
        var reported = Set<SourceLocation>()
        for family in [IPAddress.Family.ipv4, .ipv6] {
            for producer in NFTMarks.producers(ruleset, family: family) {
                let operation = producer.operation
                guard operation.setsWholeMark, operation.value != 0 else { continue }
                let seen: [IPAddress.Family] =
                    switch producer.rule.family {
                    case .ip: [.ipv4]
                    case .ip6: [.ipv6]
                    default: [.ipv4, .ipv6]
                    }
                guard !seen.contains(where: { marks[$0]!.contains(operation.value) }),
                    reported.insert(producer.rule.location).inserted
                else { continue }
                report.add(
                    "\(producer.rule.place) sets mark \(operation.value) but no firewall-mark service -f \(operation.value) exists: a removed service, or a mark for policy routing",
                    at: producer.rule.location, object: producer.rule.objectKey)
            }
        }
    }
}
