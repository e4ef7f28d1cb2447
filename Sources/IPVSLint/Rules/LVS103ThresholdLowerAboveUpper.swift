/// `-y` above `-x` (an unset `-x` is 0): the kernel answers ERANGE. Docs: lint-rules/LVS103.md
struct ThresholdLowerAboveUpper: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS103", name: "threshold-lower-above-upper", severity: .error, inputs: [.ipvsadm],
        summary: "The lower connection threshold (-y) is above the upper one (-x)")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for (service, server) in inputs.realServers {
            guard let lower = server.lowerThreshold else { continue }
            let upper = server.upperThreshold?.value ?? 0
            if lower.value > upper {
                let upperText = server.upperThreshold == nil ? "no -x (0)" : "-x \(upper)"
                report.add(
                    "real server \(server.addressText) in \(service.identity) has -y \(lower.value) above \(upperText); the kernel answers ERANGE",
                    at: lower.location, object: "rs=\(service.identity.objectKey.dropFirst(4))/\(server.addressText)")
            }
        }
    }
}
