/// The same real server twice in one service, counting the port ipvsadm forces for DR and TUN.
/// Docs: lint-rules/LVS110.md
struct DuplicateRealServer: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS110", name: "duplicate-real-server", severity: .error, inputs: [.ipvsadm],
        summary: "The same real server is added twice to one service")

    func check(_ inputs: LintInputs, into report: inout Report) {
        for (identity, server, first) in inputs.ipvs?.duplicateRealServers ?? [] {
            let port = server.effectivePort?.description ?? "?"
            let rewritten = server.writtenPort.map { !$0.sameAs(server.effectivePort ?? $0) } ?? false
            let why = rewritten ? " (DR and TUN real servers get the service port \(port), whatever is written)" : ""
            report.add(
                "real server \(server.address):\(port) is already in \(identity) (line \(first.line))\(why): the kernel answers EEXIST",
                at: server.location, object: "rs=\(identity.objectKey.dropFirst(4))/\(server.address):\(port)", related: [first])
        }
    }
}
