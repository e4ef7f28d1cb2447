/// Several persistent ports of one VIP with one pool: templates are per port, so clients split. Docs: lint-rules/LVS308.md
struct PersistenceSplitAcrossPorts: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS308", name: "persistence-split-across-ports", severity: .info, inputs: [.ipvsadm],
        summary:
            "Persistent services on several ports of one VIP with the same real servers: a client may land on different servers per port"
    )

    func check(_ inputs: LintInputs, into report: inout Report) {
        var seen: [String: ServiceDefinition] = [:]
        for service in inputs.ipvs?.services ?? [] where service.isPersistent {
            guard case .address(let proto, let host, let port) = service.identity, port.number != 0 else { continue }
            let pool = service.realServers.map(\.address.description).sorted()
            guard !pool.isEmpty else { continue }
            let key = "\(proto)|\(host)|" + pool.joined(separator: ",")
            if let first = seen[key] {
                report.add(
                    "\(service.identity) and \(first.identity) are persistent with the same real servers, but templates are per port: one client can reach different servers on each; use one -f service for both ports, or port 0",
                    at: service.location, object: service.identity.objectKey, related: [first.location])
            } else {
                seen[key] = service
            }
        }
    }
}
