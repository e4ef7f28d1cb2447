/// `backup_only` set on the director that is VRRP master: the setting switches balancing off
/// whenever a backup sync daemon runs, which is what a standby wants and an active director
/// must not have. Needs `facts.vrrp-role`. Docs: lint-rules/LVS602.md
struct BackupOnlyWithBackupSyncDaemon: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS602", name: "backup-only-with-backup-sync-daemon", severity: .warning,
        inputs: [.ipvsadm, .directorSysctl, .vrrpRoleFact],
        summary: "backup_only on the VRRP master: with a backup sync daemon running it stops balancing")

    func check(_ inputs: LintInputs, into report: inout Report) {
        guard inputs.facts.vrrpRole == .master, let sysctls = inputs.directorSysctls,
            let services = inputs.ipvs?.services, let first = services.first
        else { return }
        let key = "net.ipv4.vs.backup_only"
        guard let setting = sysctls.value(key), let value = sysctls.integer(key), value != 0 else { return }
        report.add(
            "\(key) = \(setting.value) on the VRRP master (facts.vrrp-role) with \(services.count) virtual service\(services.count == 1 ? "" : "s") (\(first.identity)…): while a backup sync daemon runs here, IPVS passes every packet through unbalanced",
            at: setting.location, object: "sysctl=director/\(key)", related: [first.location])
    }
}
