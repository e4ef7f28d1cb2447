import ArgumentParser
import Glibc
import IPVSLint
import IPVSMetrics

/// `ipvs_exporter lint`: flags in, translated into a `LintSession`; its report out, an exit status.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check IPVS configuration (ipvsadm, iptables, sysctls, timeouts) for mistakes before deploying it.",
        discussion: """
            Give the inputs you have; each rule runs when its inputs are there
            (--verbose lists the ones that did not). Use - for standard input.

              ipvs_exporter lint --ipvsadm <(ipvsadm-save -n) \\
                  --iptables <(iptables-save)
              ipvs_exporter lint --ipvsadm rules.ipvs --sysctl director.conf \\
                  --sysctl 10.0.0.11=rs1.sysctl --timeouts 900,120,300 \\
                  --format sarif > lint.sarif
              ipvs_exporter lint --explain LVS201

            In CI, lint saved files (ipvsadm-save -n > director.ipvs): a capture
            that fails inside <(…) reads as an empty file.

            A finding can be silenced where it is, with a reason:
              # ipvs-lint: disable=LVS204 -- NAT and DR mixed while migrating

            Exit status: 0 no finding at or above the failure threshold,
            1 findings, 2 an input could not be read or parsed (file:line:col
            says where), 3 invalid command line.
            """)

    @Option(
        name: .customLong("ipvsadm"), help: ArgumentHelp("ipvsadm-save -n output or an ipvsadm -R rules file.", valueName: "file")
    )
    var ipvsadm: String?

    @Option(
        name: .customLong("keepalived"),
        help: ArgumentHelp(
            "keepalived.conf (its include directives are followed): virtual_server blocks are linted like an ipvsadm file.",
            valueName: "file"))
    var keepalived: String?

    @Option(
        name: .customLong("config-id"),
        help: ArgumentHelp(
            "With --keepalived: the config id its @ID lines are compared with, as keepalived's own --config-id. Default: keepalived's, this host's name up to its first dot; give the director's when linting its file elsewhere.",
            valueName: "id"))
    var configID: String?

    @Flag(
        name: .customLong("live"),
        help:
            "Lint this director as it runs: IPVS from netlink (/proc when unprivileged), iptables-save and ip6tables-save, /proc/sys, the kernel's timeouts. Files given with the other flags replace their live part."
    )
    var live = false

    @Option(
        name: .customLong("netns"),
        help: ArgumentHelp(
            "With --live: read IPVS, the firewall (iptables-save, nft) and the sysctls in this network namespace.",
            valueName: "path"))
    var netns: String?

    @Option(name: .customLong("iptables"), help: ArgumentHelp("iptables-save output (nft or legacy).", valueName: "file"))
    var iptables: String?

    @Option(name: .customLong("ip6tables"), help: ArgumentHelp("ip6tables-save output.", valueName: "file"))
    var ip6tables: String?

    @Option(
        name: .customLong("nftables"),
        help: ArgumentHelp(
            "nft list ruleset output, as text (nft -a shows rule handles) or JSON (nft -j), or an nft -f script. LVS501, LVS507 and LVS508 count the marks its rules set; --verbose lists statements no rule reads.",
            valueName: "file"))
    var nftables: String?

    @Option(
        name: .customLong("sysctl"),
        help: ArgumentHelp(
            "sysctl -a output or sysctl.conf syntax: FILE for the director, HOST=FILE for a real server (its address or name as in the ipvsadm file). Repeatable.",
            valueName: "[host=]file"))
    var sysctls: [String] = []

    @Option(
        name: .customLong("timeouts"),
        help: ArgumentHelp("ipvsadm -L --timeout output, or TCP,TCPFIN,UDP seconds.", valueName: "file|tcp,tcpfin,udp"))
    var timeouts: String?

    @Option(
        name: .customLong("format"),
        help: ArgumentHelp("Output format.", valueName: OutputFormat.allCases.map(\.rawValue).joined(separator: "|")))
    var format: OutputFormat = .tty

    @Option(
        name: .customLong("failure-threshold"),
        help: ArgumentHelp(
            "Exit 1 when a finding is at least this severe; none never fails. Default: the configuration's failure-threshold, else warning.",
            valueName: FailureThreshold.allCases.map(\.rawValue).joined(separator: "|")))
    var failureThreshold: FailureThreshold?

    @Option(
        name: .customLong("config"),
        help: ArgumentHelp(
            "Configuration file; by default .ipvs-lint.yaml in this directory or the nearest parent.", valueName: "file"))
    var config: String?

    @Flag(name: .customLong("no-config"), help: "Do not read .ipvs-lint.yaml.")
    var noConfig = false

    @Option(
        name: .customLong("baseline"),
        help: ArgumentHelp(
            "Accepted findings: not reported while they last. Written with every current finding when FILE does not exist (or with --update-baseline).",
            valueName: "file"))
    var baseline: String?

    @Flag(name: .customLong("update-baseline"), help: "Rewrite the --baseline file with the current findings.")
    var updateBaseline = false

    @Flag(name: .customLong("verbose"), help: "Also list rules skipped for lack of an input, and suppressed findings.")
    var verbose = false

    @Option(
        name: .customLong("explain"),
        help: ArgumentHelp("Print a rule's page (LVS201 or dr-tun-port-mismatch) and exit.", valueName: "rule"))
    var explain: String?

    @Flag(name: .customLong("list-rules"), help: "List every rule and exit.")
    var listRules = false

    @Option(
        name: .customLong("rule-docs-url"),
        help: ArgumentHelp("Where the rule pages are published (SARIF helpUri, links).", valueName: "url"))
    var documentationBase = LintReport.defaultDocumentationBase

    func validate() throws {
        if let explain, RuleRegistry.lookup(explain) == nil {
            let candidates = RuleRegistry.suggestions(for: explain)
            let guess = candidates.isEmpty ? "" : "; did you mean \(candidates.joined(separator: " or "))?"
            throw ValidationError("no rule \(explain)\(guess) (ipvs_exporter lint --list-rules lists them)")
        }
        for argument in sysctls {
            let file = LintSession.SysctlFile(argument: argument)
            if file.host?.isEmpty == true {
                throw ValidationError(
                    "--sysctl \(argument): nothing before \"=\"; give HOST=FILE for a real server (its address as in the ipvsadm file) or FILE for the director"
                )
            }
            if file.path.isEmpty {
                throw ValidationError("--sysctl \(argument): no file after \"=\"; give HOST=FILE")
            }
        }
        if netns != nil && !live { throw ValidationError("--netns reads a live namespace: give --live too") }
        if updateBaseline && baseline == nil { throw ValidationError("--update-baseline needs --baseline FILE") }
        if noConfig && config != nil { throw ValidationError("--config and --no-config contradict each other") }
        if ipvsadm != nil && keepalived != nil {
            throw ValidationError("--ipvsadm and --keepalived both describe the virtual services; give one")
        }
        let stdinUses =
            ([ipvsadm, keepalived, iptables, ip6tables, nftables, timeouts]
            + sysctls.map { LintSession.SysctlFile(argument: $0).path })
            .filter { $0 == "-" }.count
        if stdinUses > 1 { throw ValidationError("only one input can be - (standard input)") }
    }

    func run() throws {
        // Here rather than in validate(): argument-parser validates before it reports unknown
        // flags, so a misspelt input flag (--ipvs) would be answered "nothing to lint" without
        // the flag being named.
        if explain == nil && !listRules && !live && ipvsadm == nil && keepalived == nil && iptables == nil && ip6tables == nil
            && nftables == nil && sysctls.isEmpty && timeouts == nil
        {
            var output = StandardError()
            print(
                """
                Error: nothing to lint: give --live or at least one of --ipvsadm, --keepalived, --iptables, --ip6tables, --nftables, --sysctl, --timeouts
                Usage: \(IPVSExporterCommand.usageString(for: LintCommand.self))
                  See 'ipvs_exporter lint --help' for more information.
                """, to: &output)
            throw ExitCode(3)
        }
        if let explain, let rule = RuleRegistry.lookup(explain) {
            print(
                RuleDocumentation.page(rule.metadata.id)
                    ?? "\(rule.metadata.id): \(rule.metadata.name)\n\n\(rule.metadata.summary)", terminator: "")
            return
        }
        if listRules {
            // Columns as wide as the longest name and severity, so every summary starts at one column.
            let rules = RuleRegistry.all.map { $0.metadata }
            let nameWidth = (rules.map(\.name.count).max() ?? 0) + 2
            let severityWidth = (rules.map(\.severity.rawValue.count).max() ?? 0) + 2
            for rule in rules {
                print(
                    "\(rule.id)  \(rule.name.padding(nameWidth))\(rule.severity.rawValue.padding(severityWidth))\(rule.summary)")
            }
            return
        }
        let session = LintSession(options: options) { message in
            var output = StandardError()
            print(message, to: &output)
        }
        var output = StandardError()
        let outcome: LintSession.Outcome
        do throws(LintSession.Failure) { outcome = try session.run() } catch {
            print(error, to: &output)
            throw ExitCode(2)
        }
        switch outcome {
        case .wroteBaseline(let path, let accepted):
            print(
                "lint: wrote \(accepted) accepted finding\(accepted == 1 ? "" : "s") to \(path); later runs report only new ones",
                to: &output)
        case .linted(let result, let files, let failed):
            let color = format == .tty && isatty(1) == 1 && getenv("NO_COLOR") == nil
            let report = LintReport(
                result: result, files: files, rules: RuleRegistry.all.map { $0.metadata }, version: BuildInfo.current.version,
                documentationBase: documentationBase, verbose: verbose, color: color)
            print(report.render(format), terminator: "")
            if failed { throw ExitCode(1) }
        }
    }

    /// The flags, as the session takes them.
    var options: LintSession.Options {
        LintSession.Options(
            ipvsadm: ipvsadm, keepalived: keepalived, live: live, netns: netns, iptables: iptables, ip6tables: ip6tables,
            nftables: nftables, sysctls: sysctls.map(LintSession.SysctlFile.init(argument:)), timeouts: timeouts,
            failureThreshold: failureThreshold,
            configuration: noConfig ? .ignored : config.map { .file($0) } ?? .nearest, baseline: baseline,
            updateBaseline: updateBaseline, keepalivedConfigID: configID)
    }
}

extension OutputFormat: ExpressibleByArgument {}

extension FailureThreshold: ExpressibleByArgument {}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(1, width - count)) }
}
