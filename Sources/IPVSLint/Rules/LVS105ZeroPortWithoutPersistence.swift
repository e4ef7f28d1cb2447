/// A port-0 address service without `-p`: ipvsadm refuses it, and the kernel would not
/// schedule to it. Docs: lint-rules/LVS105.md
struct ZeroPortWithoutPersistence: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS105", name: "zero-port-without-persistence", severity: .error, inputs: [.ipvsadm],
        summary: "A service on port 0 is not persistent")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for service in inputs.ipvs?.services ?? [] where !service.isPersistent {
            guard case .address(_, _, let port) = service.identity, port.number == 0 else { continue }
            report.add(
                "\(service.identity) listens on port 0 without -p: ipvsadm says \"Zero port specified for non-persistent service\"",
                at: service.identityLocation, object: service.identity.objectKey)
        }
    }
}
