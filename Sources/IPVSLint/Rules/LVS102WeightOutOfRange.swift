/// Weights the kernel refuses (negative, above INT_MAX) or that upstream ipvsadm refuses
/// (above 65535). Docs: lint-rules/LVS102.md
struct WeightOutOfRange: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS102", name: "weight-out-of-range", severity: .error, inputs: [.ipvsadm],
        summary: "A real server weight is negative, above INT_MAX, or above upstream ipvsadm's 65535")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for (service, server) in inputs.realServers {
            guard let weight = server.weight else { continue }
            var object: String { "rs=\(service.identity.objectKey.dropFirst(4))/\(server.addressText)" }
            if weight.value < 0 || weight.value > Int64(Int32.max) {
                report.add(
                    "weight \(weight.value) of \(server.addressText) in \(service.identity) is outside 0…2147483647; the kernel answers ERANGE",
                    at: weight.location, object: object)
            } else if weight.value > 65535 {
                report.add(
                    "weight \(weight.value) of \(server.addressText) in \(service.identity) is above 65535: upstream ipvsadm refuses it (only Debian's accepts up to INT_MAX)",
                    at: weight.location, object: object, severity: .warning)
            }
        }
    }
}
