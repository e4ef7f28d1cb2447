import Glibc
import IPVSModel
import SystemSupport

/// One `ipvs_exporter lint` run, from the paths the user gave to a result and whether it fails:
/// reading the inputs (files, standard input, or the running director), finding and applying
/// `.ipvs-lint.yaml`, the baseline, and the exit policy. The command only translates its flags
/// into ``Options`` and prints the ``Outcome``, so everything that decides an exit status is
/// here, next to the linter, rather than in the argument parser's wiring.
public struct LintSession: Sendable {
    public struct Options: Sendable {
        public var ipvsadm: String?
        public var keepalived: String?
        /// Read the running director for every role no file is given for.
        public var live: Bool
        /// With `live`: the network namespace to read IPVS in.
        public var netns: String?
        public var iptables: String?
        public var ip6tables: String?
        public var nftables: String?
        public var sysctls: [SysctlFile]
        /// A file, or `TCP,TCPFIN,UDP` seconds.
        public var timeouts: String?
        /// nil: the configuration's, else `.warning`.
        public var failureThreshold: FailureThreshold?
        public var configuration: ConfigurationSource
        public var baseline: String?
        /// Rewrite `baseline` even when it exists.
        public var updateBaseline: Bool
        /// keepalived's `--config-id` for keepalived.conf's `@ID` lines; nil for keepalived's
        /// default (this host's name up to its first dot).
        public var keepalivedConfigID: String?

        public init(
            ipvsadm: String? = nil, keepalived: String? = nil, live: Bool = false, netns: String? = nil, iptables: String? = nil,
            ip6tables: String? = nil, nftables: String? = nil, sysctls: [SysctlFile] = [], timeouts: String? = nil,
            failureThreshold: FailureThreshold? = nil,
            configuration: ConfigurationSource = .nearest, baseline: String? = nil, updateBaseline: Bool = false,
            keepalivedConfigID: String? = nil
        ) {
            self.keepalivedConfigID = keepalivedConfigID
            self.ipvsadm = ipvsadm
            self.keepalived = keepalived
            self.live = live
            self.netns = netns
            self.iptables = iptables
            self.ip6tables = ip6tables
            self.nftables = nftables
            self.sysctls = sysctls
            self.timeouts = timeouts
            self.failureThreshold = failureThreshold
            self.configuration = configuration
            self.baseline = baseline
            self.updateBaseline = updateBaseline
        }
    }

    /// A `--sysctl` argument: the director's file, or a real server's (`10.0.0.11=rs1.conf`).
    public struct SysctlFile: Sendable, Hashable {
        /// nil: the director.
        public var host: String?
        public var path: String

        /// `10.0.0.11=rs1.conf` → host and path; a path that merely contains `=` (`./a=b`,
        /// `/x/a=b`) stays a path.
        public init(argument: String) {
            guard let equals = argument.firstIndex(of: "="), !argument.hasPrefix("/"), !argument.hasPrefix("."),
                !argument[..<equals].contains("/")
            else {
                self.host = nil
                self.path = argument
                return
            }
            self.host = String(argument[..<equals])
            self.path = String(argument[argument.index(after: equals)...])
        }
    }

    /// Where `.ipvs-lint.yaml` comes from.
    public enum ConfigurationSource: Sendable, Hashable {
        /// `.ipvs-lint.yaml` in the working directory or the nearest parent that has one.
        case nearest
        case file(String)
        /// No configuration.
        case ignored
    }

    public enum Outcome: Sendable {
        /// The findings, the files they point into, and whether they reach the failure threshold.
        case linted(Linter.Result, files: [SourceFile], failed: Bool)
        /// The baseline was (re)written with `accepted` findings; nothing is reported.
        case wroteBaseline(path: String, accepted: Int)
    }

    /// An input that could not be read or parsed (exit status 2), as the line to print.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String

        init(_ description: String) { self.description = description }
    }

    public var options: Options
    /// Hears what the run does besides its outcome (a netlink fallback, a missing iptables-save).
    public var notice: @Sendable (String) -> Void

    public init(options: Options, notice: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.notice = notice
    }

    public func run() throws(Failure) -> Outcome {
        var files: [(SourceFile, InputRole)] = []
        if let ipvsadm = options.ipvsadm { files.append((try Self.load(ipvsadm, as: .ipvsadm), .ipvsadm)) }
        if let keepalived = options.keepalived { files.append((try Self.load(keepalived, as: .keepalived), .keepalived)) }
        if let iptables = options.iptables { files.append((try Self.load(iptables, as: .iptables), .iptables)) }
        if let ip6tables = options.ip6tables { files.append((try Self.load(ip6tables, as: .ip6tables), .ip6tables)) }
        if let nftables = options.nftables { files.append((try Self.load(nftables, as: .nftables), .nftables)) }
        for sysctl in options.sysctls {
            let role = InputRole.sysctl(host: sysctl.host)
            files.append((try Self.load(sysctl.path, as: role), role))
        }
        if let timeouts = options.timeouts, !timeouts.contains(",") {
            files.append((try Self.load(timeouts, as: .timeouts), .timeouts))
        }
        var kernel: KernelRelease?
        var schedulers: Set<String>?
        if options.live {
            var given = Set(files.map { $0.1 })
            // Seconds on the command line replace the kernel's too.
            if options.timeouts != nil { given.insert(.timeouts) }
            let live = try LiveDirector.collect(given: given, netns: options.netns, notice: notice)
            files += live.inputs
            kernel = live.kernel
            schedulers = live.schedulers
        }
        var set = InputSet(serviceNames: ServiceNames.system, keepalivedConfigID: options.keepalivedConfigID)
        if let kernel { set.setKernel(kernel) }
        if let schedulers { set.setKnownSchedulers(schedulers) }
        var configuration: LintConfiguration?
        if let path = configurationPath() {
            let file = try Self.load(path)
            try Self.parsed { () throws(LintInputError) in
                configuration = try LintConfiguration.parse(file, knownRules: RuleRegistry.id)
            }
        }
        var writeBaseline = false
        try Self.parsed { () throws(LintInputError) in
            try set.add(files.map { ($0.0, $0.1) })
            if let timeouts = options.timeouts, timeouts.contains(",") { try set.setTimeouts(commandLine: timeouts) }
        }
        if let configuration {
            var loadFailure: Failure?
            try Self.parsed { () throws(LintInputError) in
                try set.apply(configuration) { (path: String) throws(LintInputError) -> SourceFile in
                    do throws(Failure) { return try Self.load(configuration.file.resolve(path)) } catch {
                        loadFailure = error
                        throw LintInputError(
                            SourceLocation(file: configuration.file.name, line: 1), found: "an unreadable sysctl file",
                            expected: path)
                    }
                }
            }
            if let loadFailure { throw loadFailure }
        }
        if let baseline = options.baseline {
            if options.updateBaseline || !Files.exists(baseline) {
                writeBaseline = true
            } else {
                let file = try Self.load(baseline)
                try Self.parsed { () throws(LintInputError) in
                    set.addSuppressions(try Baseline.read(file, knownRules: RuleRegistry.id))
                }
            }
        }
        var linter = Linter()
        linter.severityOverrides = configuration?.severities ?? [:]
        linter.disabled = configuration?.disabled ?? [:]
        let result = set.lint(with: linter)
        if writeBaseline, let baseline = options.baseline {
            // Everything found now (but stale suppressions) is accepted.
            let accepted = result.findings.filter { $0.ruleID != UnusedSuppression.metadata.id }
            do throws(FileError) { try Files.write(Array(Baseline.render(accepted).utf8), to: baseline) } catch {
                throw Failure("\(baseline): cannot write the baseline: \(error)")
            }
            return .wroteBaseline(path: baseline, accepted: accepted.count)
        }
        // The command line, else the configuration, else warning.
        let threshold = options.failureThreshold ?? configuration?.failureThreshold?.value ?? .warning
        return .linted(result, files: set.files, failed: threshold.isReached(by: result.findings))
    }

    func configurationPath() -> String? {
        switch options.configuration {
        case .nearest: Self.findConfiguration()
        case .file(let path): path
        case .ignored: nil
        }
    }

    static func parsed(_ body: () throws(LintInputError) -> Void) throws(Failure) {
        do throws(LintInputError) { try body() } catch {
            throw Failure("\(error.location): error: expected \(error.expected), found \(error.found)")
        }
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

    /// Reads a whole input: a path, or - for standard input.
    /// What an input read from a pipe (`--ipvsadm <(ipvsadm-save -n)`, which the shell passes as
    /// /dev/fd/63) is called in findings and SARIF: its kind and host, the same on every run,
    /// rather than a descriptor number that says nothing and changes with the order of flags.
    static func pipeName(_ path: String, _ role: InputRole) -> String? {
        guard path.hasPrefix("/dev/fd/") || path.hasPrefix("/proc/self/fd/") else { return nil }
        switch role {
        case .ipvsadm: return "ipvsadm-save"
        case .keepalived: return "keepalived.conf"
        case .iptables: return "iptables-save"
        case .ip6tables: return "ip6tables-save"
        case .nftables: return "nft-ruleset"
        case .sysctl(let host): return host.map { "sysctl@" + $0 } ?? "sysctl"
        case .timeouts: return "timeouts"
        }
    }

    static func load(_ path: String, as role: InputRole) throws(Failure) -> SourceFile {
        let file = try load(path)
        guard let name = pipeName(path, role) else { return file }
        return SourceFile(name: name, text: file.lines.joined(separator: "\n"))
    }

    static func load(_ path: String) throws(Failure) -> SourceFile {
        let bytes: [UInt8]
        do throws(FileError) {
            bytes = try Files.read(path == "-" ? "/dev/stdin" : path, limit: 512 << 20)
        } catch {
            switch error {
            case .notFound: throw Failure("\(path): no such file")
            default: throw Failure("\(error)")
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
            throw Failure("\(path == "-" ? "<stdin>" : path):\(line):1: error: expected UTF-8 text, found bytes that are not")
        }
        return SourceFile(name: path == "-" ? "<stdin>" : path, text: text)
    }
}
