/// The same service added twice: the second `-A` fails with EEXIST. Docs: lint-rules/LVS109.md
struct DuplicateVirtualService: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS109", name: "duplicate-virtual-service", severity: .error, inputs: [.ipvsadm],
        summary: "The same virtual service is added twice")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for (service, first) in inputs.ipvs?.duplicateServices ?? [] {
            report.add(
                "\(service.identity) is added again (first at line \(first.line)): the kernel answers EEXIST and ignores this line's settings",
                at: service.location, object: service.identity.objectKey, related: [first])
        }
    }
}
