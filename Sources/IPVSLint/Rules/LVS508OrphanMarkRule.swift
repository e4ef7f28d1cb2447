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
    }
}
