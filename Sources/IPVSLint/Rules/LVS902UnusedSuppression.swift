/// LVS902: an inline `ipvs-lint: disable=` pragma, a config `ignore:` or a baseline entry that
/// covered no finding. The engine emits these once every other rule has run (a rule cannot see
/// other rules' findings); this file carries the metadata and the page.
public struct UnusedSuppression: LintRule {
    public static let metadata = RuleMetadata(
        id: "LVS902", name: "unused-suppression", severity: .info, inputs: [],
        summary: "A suppression that matches no finding: stale, and ready to hide the next real one")

    public init() {}

    public func check(_ inputs: LintInputs, into report: inout Report) {}
}
