/// An ipvsadm input that defines no virtual service. Docs: lint-rules/LVS904.md
///
/// The usual cause is a capture that failed (`<(ssh lb ipvsadm-save -n)` printing nothing
/// because ssh did), and without this finding the run would say "No findings." and pass CI.
struct NoVirtualServices: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS904", name: "no-virtual-services", severity: .warning, inputs: [.ipvsadm],
        summary: "The ipvsadm input defines no virtual service: an empty or failed capture lints clean")

    func check(_ inputs: LintInputs, into report: inout Report) {
        guard let ipvs = inputs.ipvs, !ipvs.fromKeepalived, ipvs.services.isEmpty else { return }
        let what = ipvs.file.lines.allSatisfy { $0.allSatisfy(\.isWhitespace) } ? "is empty" : "has no -A line"
        report.add(
            "\(ipvs.file.name) \(what): no virtual service to check; if it is a capture (ipvsadm-save -n), the capture probably failed",
            at: SourceLocation(file: ipvs.file.id, line: 1, column: 1), object: "file=" + ipvs.file.name)
    }
}
