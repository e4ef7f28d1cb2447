import IPVSModel

/// The sip persistence engine on TCP traffic: it fails to parse and the kernel drops every new
/// connection. Docs: lint-rules/LVS307.md
struct PESipOnNonUDP: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS307", name: "pe-sip-on-non-udp", severity: .error, inputs: [.ipvsadm],
        summary: "The sip persistence engine on a service that carries TCP or SCTP")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] {
            guard let engine = service.persistenceEngine, engine.value == "sip" else { continue }
            switch service.identity {
            case .address(let proto, _, _) where proto != .udp:
                report.add(
                    "--pe sip on \(service.identity): the sip engine only reads UDP; with persistence every new \(proto) connection is dropped",
                    at: engine.location, object: service.identity.objectKey)
            case .firewallMark(let mark, _):
                guard let firewall = inputs.firewall(for: service.identity.family) else {
                    report.skip(
                        "\(service.identity): no \(service.identity.family == .ipv6 ? "ip6tables" : "iptables") input to see what the mark carries"
                    )
                    continue
                }
                let tcp = firewall.producers(of: UInt32(truncatingIfNeeded: mark)).filter { rule in
                    rule.proto == nil || rule.proto?.name == "tcp" || rule.proto?.name == "sctp" || rule.proto?.negated == true
                }
                if let rule = tcp.first {
                    report.add(
                        "--pe sip on \(service.identity), whose MARK rule \(rule.place) also marks non-UDP traffic: those connections are dropped",
                        at: engine.location, object: service.identity.objectKey, related: tcp.map(\.location))
                }
            default:
                continue
            }
        }
    }
}
