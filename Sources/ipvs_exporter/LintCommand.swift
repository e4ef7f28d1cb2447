import ArgumentParser
import Glibc
import IPVSKernel
import IPVSModel
import SystemSupport
import IPVSLint
import IPVSMetrics

/// `ipvs_exporter lint`: flags in, parsed inputs to the linter, a report out, an exit status.
struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check IPVS configuration (ipvsadm, iptables, sysctls, timeouts) for mistakes before deploying it.",
        discussion: """
            Give the inputs you have; each rule runs when its inputs are there (--verbose lists
            the ones that did not). Use - for standard input.

              ipvs_exporter lint --ipvsadm <(ipvsadm-save -n) --iptables <(iptables-save)
              ipvs_exporter lint --ipvsadm rules.ipvs --sysctl director.conf \\
                  --sysctl 10.0.0.11=rs1.sysctl --timeouts 900,120,300 --format sarif > lint.sarif
              ipvs_exporter lint --explain LVS201

            A finding can be silenced where it is, with a reason:
              # ipvs-lint: disable=LVS204 -- NAT and DR mixed on purpose during the migration

            Exit status: 0 no finding at or above the failure threshold, 1 findings, 2 an input
            could not be read or parsed (file:line:col says where), 3 invalid command line.
            """)

    @Option(name: .customLong("ipvsadm"), help: ArgumentHelp("ipvsadm-save -n output or an ipvsadm -R rules file.", valueName: "file"))
    var ipvsadm: String?

    @Option(
        name: .customLong("keepalived"),
        help: ArgumentHelp("keepalived.conf (its include directives are followed): virtual_server blocks are linted like an ipvsadm file.", valueName: "file"))
    var keepalived: String?

    @Flag(
        name: .customLong("live"),
        help: "Lint this director as it runs: IPVS from netlink (/proc when unprivileged), iptables-save and ip6tables-save, /proc/sys, the kernel's timeouts. Files given with the other flags replace their live part.")
    var live = false

    @Option(name: .customLong("netns"), help: ArgumentHelp("With --live: read IPVS in this network namespace.", valueName: "path"))
    var netns: String?

    @Option(name: .customLong("iptables"), help: ArgumentHelp("iptables-save output (nft or legacy).", valueName: "file"))
    var iptables: String?

    @Option(name: .customLong("ip6tables"), help: ArgumentHelp("ip6tables-save output.", valueName: "file"))
    var ip6tables: String?

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

    @Option(name: .customLong("format"), help: ArgumentHelp("Output format.", valueName: OutputFormat.allCases.map(\.rawValue).joined(separator: "|")))
    var format: OutputFormat = .tty

    @Option(
        name: .customLong("failure-threshold"),
        help: ArgumentHelp("Exit 1 when a finding is at least this severe; none never fails.", valueName: FailureThreshold.allCases.map(\.rawValue).joined(separator: "|")))
    var failureThreshold: FailureThreshold?

    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("Configuration file; by default .ipvs-lint.yaml in this directory or the nearest parent.", valueName: "file"))
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

    @Option(name: .customLong("explain"), help: ArgumentHelp("Print a rule's page (LVS201 or dr-tun-port-mismatch) and exit.", valueName: "rule"))
    var explain: String?

    @Flag(name: .customLong("list-rules"), help: "List every rule and exit.")
    var listRules = false

    @Option(name: .customLong("rule-docs-url"), help: ArgumentHelp("Where the rule pages are published (SARIF helpUri, links).", valueName: "url"))
    var documentationBase = LintReport.defaultDocumentationBase

    func validate() throws {
        if let explain, RuleRegistry.lookup(explain) == nil {
            throw ValidationError("no rule \(explain); ipvs_exporter lint --list-rules lists them")
        }
        if explain == nil && !listRules && !live && ipvsadm == nil && keepalived == nil && iptables == nil && ip6tables == nil && sysctls.isEmpty && timeouts == nil {
            throw ValidationError("nothing to lint: give --live or at least one of --ipvsadm, --keepalived, --iptables, --ip6tables, --sysctl, --timeouts")
        }
        if netns != nil && !live { throw ValidationError("--netns reads a live namespace: give --live too") }
        if updateBaseline && baseline == nil { throw ValidationError("--update-baseline needs --baseline FILE") }
        if noConfig && config != nil { throw ValidationError("--config and --no-config contradict each other") }
        if ipvsadm != nil && keepalived != nil {
            throw ValidationError("--ipvsadm and --keepalived both describe the virtual services; give one")
        }
        let stdinUses = ([ipvsadm, keepalived, iptables, ip6tables, timeouts] + sysctls.map { Self.splitHost($0).1 })
            .filter { $0 == "-" }.count
        if stdinUses > 1 { throw ValidationError("only one input can be - (standard input)") }
    }

    func run() throws {
        if let explain, let rule = RuleRegistry.lookup(explain) {
            print(RuleDocumentation.page(rule.metadata.id) ?? "\(rule.metadata.id): \(rule.metadata.name)\n\n\(rule.metadata.summary)", terminator: "")
            return
        }
        if listRules {
            for rule in RuleRegistry.all.map({ $0.metadata }) {
                let padded = rule.name + String(repeating: " ", count: max(1, 42 - rule.name.count))
                print("\(rule.id)  \(padded)\(rule.severity.rawValue.padding(8))\(rule.summary)")
            }
            return
        }
        var files: [(SourceFile, InputRole)] = []
        do throws(LintFailure) {
            if let ipvsadm { files.append((try Self.load(ipvsadm), .ipvsadm)) }
            if let keepalived { files.append((try Self.load(keepalived), .keepalived)) }
            if let iptables { files.append((try Self.load(iptables), .iptables)) }
            if let ip6tables { files.append((try Self.load(ip6tables), .ip6tables)) }
            for argument in sysctls {
                let (host, path) = Self.splitHost(argument)
                files.append((try Self.load(path), .sysctl(host: host)))
            }
            if let timeouts, !timeouts.contains(",") { files.append((try Self.load(timeouts), .timeouts)) }
            if live { files += try liveInputs(given: Set(files.map { $0.1 })) }
            var set = InputSet(serviceNames: ServiceNames.system)
            // Live, the kernel's release is known first-hand (facts.kernel is for files).
            if live, let text = try? Files.read("/proc/sys/kernel/osrelease"),
                let line = String(decoding: text, as: UTF8.self).split(separator: "\n").first, let release = KernelRelease(String(line)) {
                set.setKernel(release)
            }
            var configuration: LintConfiguration?
            if !noConfig, let path = config ?? Self.findConfiguration() {
                let file = try Self.load(path)
                try Self.parsed { () throws(LintInputError) in configuration = try LintConfiguration.parse(file, knownRules: RuleRegistry.id) }
            }
            var writeBaseline = false
            try Self.parsed { () throws(LintInputError) in
                try set.add(files.map { ($0.0, $0.1) })
                if let timeouts, timeouts.contains(",") { try set.setTimeouts(commandLine: timeouts) }
            }
            if let configuration {
                var loadFailure: LintFailure?
                try Self.parsed { () throws(LintInputError) in
                    try set.apply(configuration) { (path: String) throws(LintInputError) -> SourceFile in
                        do throws(LintFailure) { return try Self.load(configuration.file.resolve(path)) } catch {
                            loadFailure = error
                            throw LintInputError(SourceLocation(file: configuration.file.name, line: 1), found: "an unreadable sysctl file", expected: path)
                        }
                    }
                }
                if let loadFailure { throw loadFailure }
            }
            if let baseline {
                if updateBaseline || !Files.exists(baseline) {
                    writeBaseline = true
                } else {
                    let file = try Self.load(baseline)
                    try Self.parsed { () throws(LintInputError) in set.addSuppressions(try Baseline.read(file, knownRules: RuleRegistry.id)) }
                }
            }
            var linter = Linter()
            linter.severityOverrides = configuration?.severities ?? [:]
            linter.disabled = configuration?.disabled ?? [:]
            let result = set.lint(with: linter)
            if writeBaseline, let baseline {
                // Everything found now (but stale suppressions) is accepted.
                let accepted = result.findings.filter { $0.ruleID != UnusedSuppression.metadata.id }
                do throws(FileError) { try Files.write(Array(Baseline.render(accepted).utf8), to: baseline) } catch {
                    throw LintFailure.input("\(baseline): cannot write the baseline: \(error)")
                }
                var output = StandardError()
                print("lint: wrote \(accepted.count) accepted finding\(accepted.count == 1 ? "" : "s") to \(baseline); later runs report only new ones", to: &output)
                return
            }
            let color = format == .tty && isatty(1) == 1 && getenv("NO_COLOR") == nil
            let report = LintReport(
                result: result, files: set.files, rules: RuleRegistry.all.map { $0.metadata }, version: BuildInfo.current.version,
                documentationBase: documentationBase, verbose: verbose, color: color)
            print(report.render(format), terminator: "")
            // The command line, else the configuration, else warning.
            let threshold = failureThreshold ?? configuration?.failureThreshold?.value ?? .warning
            if threshold.isReached(by: result.findings) {
                throw LintFailure.findings
            }
        } catch {
            switch error {
            case .findings:
                throw ExitCode(1)
            case .input(let message):
                var output = StandardError()
                print(message, to: &output)
                throw ExitCode(2)
            }
        }
    }

    enum LintFailure: Error {
        case findings
        case input(String)
    }

    static func parsed(_ body: () throws(LintInputError) -> Void) throws(LintFailure) {
        do throws(LintInputError) { try body() } catch {
            throw .input("\(error.location): error: expected \(error.expected), found \(error.found)")
        }
    }

    /// The running director's inputs, for each role no file was given for.
    func liveInputs(given: Set<InputRole>) throws(LintFailure) -> [(SourceFile, InputRole)] {
        var out: [(SourceFile, InputRole)] = []
        if !given.contains(.ipvsadm) && !given.contains(.keepalived) {
            let procfs = ProcFS(root: "/proc", netDirectory: netns == nil ? "net" : "thread-self/net")
            let reader = AutoStateReader(
                netlink: NetlinkStateReader(), procfs: ProcFSStateReader(procfs: procfs, hz: KernelHZ.detect(procfs: procfs, bootDirectory: "/boot"))
            ) { reason in
                var output = StandardError()
                print("lint: netlink refused (\(reason)); reading /proc/net/ip_vs, without timeouts", to: &output)
            }
            let read = { () throws(IPVSReadError) -> (ServiceTable, Timeouts?) in (try reader.serviceTable(), try reader.timeouts()) }
            let table: ServiceTable
            let kernelTimeouts: Timeouts?
            do {
                if let netns {
                    let namespace = try NetworkNamespace(path: netns)
                    (table, kernelTimeouts) = try namespace.run { () throws(IPVSReadError) -> (ServiceTable, Timeouts?) in try read() }.get()
                } else {
                    (table, kernelTimeouts) = try read()
                }
            } catch {
                throw .input("lint --live: cannot read IPVS: \(error)")
            }
            out.append((SourceFile(name: LiveDirector.ipvsadmName, text: LiveDirector.ipvsadmSave(table)), .ipvsadm))
            if timeouts == nil, let kernelTimeouts {
                out.append((SourceFile(name: LiveDirector.timeoutsName, text: LiveDirector.timeouts(kernelTimeouts)), .timeouts))
            }
        }
        for (role, tool, flag) in [(InputRole.iptables, "iptables-save", iptables), (.ip6tables, "ip6tables-save", ip6tables)] where flag == nil {
            guard let path = ["/usr/sbin/", "/sbin/", "/usr/bin/", "/bin/"].map({ $0 + tool }).first(where: { access($0, X_OK) == 0 }) else {
                var output = StandardError()
                print("lint: \(tool) not found; firewall rules are not checked", to: &output)
                continue
            }
            out.append((SourceFile(name: "live:" + tool, text: try Self.output(of: path)), role))
        }
        if !sysctls.contains(where: { Self.splitHost($0).0 == nil }) {
            out.append((SourceFile(name: LiveDirector.sysctlName, text: LiveDirector.sysctls(procfs: "/proc")), .sysctl(host: nil)))
        }
        return out
    }

    /// What a command prints, for iptables-save; its failure is an input error.
    static func output(of path: String) throws(LintFailure) -> String {
        guard let pipe = popen("'\(path)' 2>/dev/null", "r") else { throw .input("lint --live: cannot run \(path)") }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, pipe)
            if count <= 0 { break }
            bytes += buffer[0..<count]
        }
        let status = pclose(pipe)
        guard status == 0 else { throw .input("lint --live: \(path) failed (status \(status))") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `.ipvs-lint.yaml` in the working directory or the nearest parent that has one.
    static func findConfiguration() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard getcwd(&buffer, buffer.count) != nil else { return nil }
        var directory = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        while true {
            let candidate = (directory == "/" ? "" : directory) + "/" + LintConfiguration.fileName
            if Files.exists(candidate) { return candidate }
            guard directory != "/", let slash = directory.lastIndex(of: "/") else { return nil }
            directory = slash == directory.startIndex ? "/" : String(directory[..<slash])
        }
    }

    /// `10.0.0.11=rs1.conf` → host and path; a path that merely contains `=` (`./a=b`,
    /// `/x/a=b`) stays a path.
    static func splitHost(_ argument: String) -> (String?, String) {
        guard let equals = argument.firstIndex(of: "="), !argument.hasPrefix("/"), !argument.hasPrefix("."),
            !argument[..<equals].contains("/")
        else { return (nil, argument) }
        return (String(argument[..<equals]), String(argument[argument.index(after: equals)...]))
    }

    /// Reads a whole input: a path, or - for standard input.
    static func load(_ path: String) throws(LintFailure) -> SourceFile {
        let bytes: [UInt8]
        do throws(FileError) {
            bytes = try Files.read(path == "-" ? "/dev/stdin" : path, limit: 512 << 20)
        } catch {
            switch error {
            case .notFound: throw .input("\(path): no such file")
            default: throw .input("\(error)")
            }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            // Say where, as for any other unreadable line.
            var line = 1
            var start = 0
            for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
                if String(validating: bytes[start..<index], as: UTF8.self) == nil { break }
                line += 1
                start = index + 1
            }
            throw .input("\(path == "-" ? "<stdin>" : path):\(line):1: error: expected UTF-8 text, found bytes that are not")
        }
        return SourceFile(name: path == "-" ? "<stdin>" : path, text: text)
    }
}

extension OutputFormat: ExpressibleByArgument {}

extension FailureThreshold: ExpressibleByArgument {}

extension String {
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(1, width - count)) }
}
