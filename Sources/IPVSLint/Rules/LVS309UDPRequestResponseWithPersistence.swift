import IPVSModel

/// UDP with -p and without -o: clients pinned for the timeout, one entry per flow. Docs: lint-rules/LVS309.md
struct UDPRequestResponseWithPersistence: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS309", name: "udp-request-response-with-persistence", severity: .info, inputs: [.ipvsadm],
        summary: "A persistent UDP service without one-packet scheduling: each client is pinned and every flow kept")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] where service.isPersistent && service.identity.proto == .udp {
            // A persistence engine (SIP) is the case where UDP persistence is the point.
            guard service.onePacket == nil, service.legacyOps == nil, service.persistenceEngine == nil else { continue }
            report.add(
                "\(service.identity) is persistent UDP without -o: each client (a resolver, a NAT gateway) is pinned to one server for \(service.persistence?.value ?? 360) s and every flow keeps a connection entry; request/response protocols usually want -o and no -p",
                at: service.persistence?.location ?? service.location, object: service.identity.objectKey)
        }
    }
}
