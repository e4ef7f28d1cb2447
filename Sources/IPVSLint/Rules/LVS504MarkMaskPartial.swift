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
        for (service, mark, producers) in NFTMarks.markedServices(inputs, includingLate: true) {
            for producer in producers {
                let operation = producer.operation
                guard !operation.setsWholeMark || operation.value & ~operation.mask != 0,
                    reported.insert(producer.rule.location).inserted
                else { continue }
                report.add(
                    "\(operation.written) in \(producer.rule.place) sets only the bits 0x\(String(operation.mask, radix: 16)) of the mark and leaves the others as they were; \(service.identity) needs exactly \(mark): use meta mark set \(mark)",
                    at: producer.rule.location, object: producer.rule.objectKey, related: [service.identityLocation])
            }
        }
    }
}
