/// A health checker removes failed real servers while `expire_nodest_conn` is 0: the
/// connections they held are dropped in silence until their entries time out. Needs
/// `facts.health-checker`. Docs: lint-rules/LVS603.md
struct ExpireNodestConnDisabled: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS603", name: "expire-nodest-conn-disabled", severity: .info,
        inputs: [.ipvsadm, .directorSysctl, .healthCheckerFact],
        summary: "A health checker removes real servers but expire_nodest_conn is 0")

    func check(_ inputs: LintInputs, into report: inout Report) {
        guard inputs.facts.healthCheckerRemovesServers, let checker = inputs.facts.healthChecker,
            let sysctls = inputs.directorSysctls, let first = inputs.ipvs?.services.first
        else { return }
        let key = "net.ipv4.vs.expire_nodest_conn"
        guard (sysctls.integer(key) ?? 0) == 0 else { return }
        let setting = sysctls.value(key).map { "\(key) = \($0.value)" } ?? "\(key) is not set (default 0)"
        report.add(
            "\(checker) (facts.health-checker) removes failed real servers, but \(setting): packets of connections to a removed real server are dropped without a reset until the entry expires (TCP: 15 minutes by default)",
            at: sysctls.location(of: key), object: "sysctl=director/\(key)", related: [first.location])
    }
}
