/// A MARK rule for a service's mark that does not set the whole mark: foreign bits survive and
/// IPVS, which compares all 32 bits, no longer matches. Docs: lint-rules/LVS504.md
struct MarkMaskPartial: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS504", name: "mark-mask-partial", severity: .warning, inputs: [.ipvsadm, .firewall],
        summary: "A MARK rule for a service's mark sets only some of the mark's bits")

    func check(_ inputs: LintInputs, into report: inout Report) {
        var reported = Set<SourceLocation>()
        for marked in FirewallMarks.services(inputs, report: &report) {
            let (service, mark) = (marked.service, marked.mark)
            for rule in marked.producers {
                guard let operation = rule.markOperation, !operation.setsWholeMark || operation.value & ~operation.mask != 0
                else { continue }
                guard reported.insert(rule.location).inserted else { continue }
                report.add(
                    "\(operation.written) (mark = (mark & ~0x\(String(operation.mask, radix: 16))) ^ 0x\(String(operation.value, radix: 16))) leaves other bits of the mark as they were; \(service.identity) needs exactly \(mark): use --set-mark \(mark)",
                    at: rule.location, object: rule.objectKey, related: [service.identityLocation])
            }
        }
    }
}
