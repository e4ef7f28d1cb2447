/// A real server (or an edit) for a service no earlier line created: ESRCH, and with
/// `ipvsadm-restore` the rest of the file still runs. Docs: lint-rules/LVS111.md
struct RealServerWithoutService: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS111", name: "real-server-without-service", severity: .error, inputs: [.ipvsadm],
        summary: "A real server is added to a service that does not exist at that point")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for (identity, server) in inputs.ipvs?.orphanRealServers ?? [] {
            let what = server.addressText == "-E" ? "-E edits" : "real server \(server.addressText) is added to"
            report.add(
                "\(what) \(identity), which no earlier -A line creates: the kernel answers \"No such service\"",
                at: server.location, object: "rs=\(identity.objectKey.dropFirst(4))/\(server.addressText)")
        }
    }
}
