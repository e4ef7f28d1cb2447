import IPVSModel

/// Different non-zero weights under `rr`, `lc` or `dh`: those schedulers ignore them. Docs: lint-rules/LVS303.md
struct WeightsIgnoredByScheduler: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS303", name: "weights-ignored-by-scheduler", severity: .info, inputs: [.ipvsadm],
        summary: "Different weights under rr, lc or dh, which only look at weight 0 or not")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] where service.effectiveScheduler.ignoresWeights {
            let weights = Set(service.realServers.map(\.weightValue).filter { $0 > 0 })
            guard weights.count > 1 else { continue }
            let weighted = service.effectiveScheduler.weightedCounterpart?.name ?? "a weighted scheduler"
            report.add(
                "\(service.identity) gives weights \(weights.sorted().map(String.init).joined(separator: ", ")) but -s \(service.effectiveScheduler) only tells weight 0 from the rest: use \(weighted) if the weights are meant",
                at: service.scheduler?.location ?? service.location, object: service.identity.objectKey)
        }
    }
}
