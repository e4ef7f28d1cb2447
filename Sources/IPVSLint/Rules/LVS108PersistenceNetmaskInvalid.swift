import IPVSModel

/// A persistence netmask the kernel or ipvsadm refuses, or an IPv4 mask with holes.
/// Docs: lint-rules/LVS108.md
struct PersistenceNetmaskInvalid: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS108", name: "persistence-netmask-invalid", severity: .error, inputs: [.ipvsadm],
        summary: "The persistence netmask (-M) is not valid for the service's family")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] {
            guard let netmask = service.netmask else { continue }
            var object: String { service.identity.objectKey }
            switch (service.identity.family, netmask.value) {
            case (.ipv6, .prefix(let length)):
                if length < 1 || length > 128 {
                    report.add(
                        "IPv6 persistence prefix /\(length) of \(service.identity) is outside 1…128; the kernel answers EINVAL",
                        at: netmask.location, object: object)
                }
            case (.ipv6, .dotted(let text, _)):
                report.add(
                    "IPv6 \(service.identity) takes -M as a prefix length (64), not \(text)", at: netmask.location, object: object
                )
            case (.ipv4, .prefix(let length)):
                report.add(
                    "IPv4 \(service.identity) takes -M as a dotted netmask (255.255.255.0), not \(length)", at: netmask.location,
                    object: object)
            case (.ipv4, .dotted(let text, let address)):
                guard let address, address.family == .ipv4 else {
                    report.add(
                        "-M \(text) of \(service.identity) is not an IPv4 netmask: ipvsadm says \"illegal virtual server persistent mask specified\"",
                        at: netmask.location, object: object)
                    continue
                }
                let inverted = ~address.ipv4Value
                if inverted & (inverted &+ 1) != 0 {
                    report.add(
                        "-M \(text) of \(service.identity) is not contiguous: accepted, but clients are grouped by scattered address bits",
                        at: netmask.location, object: object, severity: .info)
                }
            }
        }
    }
}
