import IPVSModel

/// net.ipv4.vs.* values the kernel's write handlers refuse with EINVAL. Docs: lint-rules/LVS118.md
struct IPVSSysctlOutOfRange: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS118", name: "ipvs-sysctl-out-of-range", severity: .error, inputs: [.directorSysctl],
        summary: "An IPVS sysctl (net.ipv4.vs.*) set to a value the kernel refuses")

    func check(_ inputs: LintInputs, into report: inout Report) {
        guard let sysctls = inputs.directorSysctls else { return }
        let ranges: [(String, ClosedRange<Int64>)] = [
            ("drop_entry", 0...3), ("drop_packet", 0...3), ("secure_tcp", 0...3), ("sync_retries", 0...3),
            ("sync_version", 0...1), ("est_nice", -20...19),
        ]
        for (name, range) in ranges {
            // A key the kernel does not have yet is LVS120's.
            if let kernel = inputs.facts.kernel, let lacking = IPVSSysctls.lackingThrough(name), kernel <= lacking { continue }
            let key = "net.ipv4.vs." + name
            guard let written = sysctls.value(key) else { continue }
            let value = Int64(written.value.trimmingCharacters(in: " \t"))
            if value.map({ !range.contains($0) }) ?? true {
                report.add(
                    "\(key) = \(written.value) is outside \(range.lowerBound)…\(range.upperBound): the kernel refuses it (EINVAL) and sysctl -p fails",
                    at: written.location, object: "sysctl=director/\(key)")
            }
        }
        if let written = sysctls.value("net.ipv4.vs.sync_ports") {
            let value = Int64(written.value.trimmingCharacters(in: " \t")) ?? 0
            if value < 1 || value & (value - 1) != 0 {
                report.add(
                    "net.ipv4.vs.sync_ports = \(written.value) is not a power of two of at least 1: the kernel refuses it (EINVAL)",
                    at: written.location, object: "sysctl=director/net.ipv4.vs.sync_ports")
            }
        }
    }
}
