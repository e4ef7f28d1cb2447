import Dispatch
import IPVSModel
import Synchronization

/// The inputs of one lint run, parsed, with the inline suppressions found in them.
///
/// The one place that turns files into ``LintInputs``: the CLI and the rule-page tests (whose
/// examples are fenced blocks standing for files) both come through here, so a page's example
/// is linted exactly as a user's file would be.
public struct InputSet: Sendable {
    public private(set) var inputs = LintInputs()
    public private(set) var suppressions: [Suppression] = []
    public private(set) var files: [SourceFile] = []
    let serviceNames: ServiceNames
    /// What keepalived.conf's `@ID` lines are compared with (keepalived's `--config-id`); nil
    /// for keepalived's default, this host's name up to its first dot.
    let keepalivedConfigID: String?

    public init(serviceNames: ServiceNames = .none, keepalivedConfigID: String? = nil) {
        self.serviceNames = serviceNames
        self.keepalivedConfigID = keepalivedConfigID
    }

    /// One file, parsed.
    enum Parsed: Sendable {
        case ipvsadm(IPVSConfiguration)
        /// The configuration and the included files (read by the parser, not given by flag).
        case keepalived(IPVSConfiguration, included: [SourceFile])
        case iptables(IPTablesRuleset)
        case ip6tables(IPTablesRuleset)
        case nftables(NFTRuleset)
        case sysctl(SysctlSet)
        case timeouts(TimeoutSettings)
    }

    static func parse(_ file: SourceFile, as role: InputRole, serviceNames: ServiceNames, configID: String? = nil)
        throws(LintInputError) -> (
            Parsed, [Suppression]
        )
    {
        do {
            return try parseAs(file, role, serviceNames: serviceNames, configID: configID)
        } catch {
            throw error.advising(file, givenAs: role)
        }
    }

    private static func parseAs(_ file: SourceFile, _ role: InputRole, serviceNames: ServiceNames, configID: String?)
        throws(LintInputError) -> (Parsed, [Suppression])
    {
        try file.checkBounds()
        let parsed: Parsed
        switch role {
        case .ipvsadm: parsed = .ipvsadm(try IPVSAdmRulesParser.parse(file, serviceNames: serviceNames))
        case .keepalived:
            let (configuration, files) = try KeepalivedParser.parse(
                file, configID: configID, load: KeepalivedIncludes.load, expand: KeepalivedIncludes.expand)
            var found: [Suppression] = []
            for included in files {
                found += try Suppression.scan(included, knownRules: RuleRegistry.id)
            }
            return (.keepalived(configuration, included: Array(files.dropFirst())), found)
        case .iptables: parsed = .iptables(try IPTablesSaveParser.parse(file, family: .ipv4, serviceNames: serviceNames))
        case .ip6tables: parsed = .ip6tables(try IPTablesSaveParser.parse(file, family: .ipv6, serviceNames: serviceNames))
        case .nftables: parsed = .nftables(try NFTRulesetReader.parse(file))
        case .sysctl(let host): parsed = .sysctl(try SysctlParser.parse(file, host: host))
        case .timeouts: parsed = .timeouts(try TimeoutsParser.parse(file))
        }
        return (parsed, try Suppression.scan(file, knownRules: RuleRegistry.id))
    }

    mutating func store(_ parsed: Parsed, _ found: [Suppression], file: SourceFile) {
        switch parsed {
        case .ipvsadm(let configuration): inputs.ipvs = configuration
        case .keepalived(let configuration, let included):
            inputs.ipvs = configuration
            files += included
            // keepalived.conf says first-hand what removes failed real servers.
            if let checker = configuration.healthChecker { inputs.facts.healthChecker = checker }
        case .iptables(let ruleset): inputs.iptables = ruleset
        case .ip6tables(let ruleset): inputs.ip6tables = ruleset
        case .nftables(let ruleset): inputs.nftables = ruleset
        case .sysctl(let set): if set.host == nil { inputs.directorSysctls = set } else { inputs.realServerSysctls.append(set) }
        case .timeouts(let timeouts): inputs.timeouts = timeouts
        }
        suppressions += found
        files.append(file)
    }

    /// Parses one file in its role. A second file for a role that takes one (everything but
    /// real-server sysctls) is a usage mistake the caller should have refused; here the later
    /// file wins.
    public mutating func add(_ file: SourceFile, as role: InputRole) throws(LintInputError) {
        let (parsed, found) = try Self.parse(file, as: role, serviceNames: serviceNames, configID: keepalivedConfigID)
        store(parsed, found, file: file)
    }

    /// Parses several files at once, one per core: a director's save and its firewall dump are
    /// independent, and both are big on big directors. The first error in the given order wins,
    /// so the message does not depend on which thread finished first.
    public mutating func add(_ files: [(SourceFile, InputRole)]) throws(LintInputError) {
        let names = serviceNames
        let configID = keepalivedConfigID
        let results = Mutex<[Int: Result<(Parsed, [Suppression]), LintInputError>]>([:])
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            let (file, role) = files[index]
            let result: Result<(Parsed, [Suppression]), LintInputError>
            do throws(LintInputError) {
                result = .success(try Self.parse(file, as: role, serviceNames: names, configID: configID))
            } catch {
                result = .failure(error)
            }
            results.withLock { $0[index] = result }
        }
        let collected = results.withLock { $0 }
        for index in files.indices {
            switch collected[index]! {
            case .success(let (parsed, found)): store(parsed, found, file: files[index].0)
            case .failure(let error): throw error
            }
        }
    }

    /// `--timeouts TCP,TCPFIN,UDP` given on the command line.
    public mutating func setTimeouts(commandLine text: String) throws(LintInputError) {
        inputs.timeouts = try TimeoutsParser.parse(commandLine: text)
    }

    /// `facts.schedulers`: the schedulers the target kernel has.
    public mutating func setKnownSchedulers(_ names: Set<String>) {
        inputs.knownSchedulers = names
    }

    /// The release of the kernel being linted, when it is known first-hand (`--live`).
    public mutating func setKernel(_ release: KernelRelease) {
        inputs.facts.kernel = release
    }

    /// Applies `.ipvs-lint.yaml`: its ignores, its facts, and the sysctl files of real servers
    /// by address range (for real servers not given one with `--sysctl HOST=FILE`).
    /// `load` reads a sysctl file named relative to the configuration.
    public mutating func apply(_ configuration: LintConfiguration, load: (String) throws(LintInputError) -> SourceFile)
        throws(LintInputError)
    {
        suppressions += configuration.ignores
        if let schedulers = configuration.schedulers { setKnownSchedulers(schedulers) }
        inputs.facts = inputs.facts.filled(from: configuration.facts)
        guard !configuration.realServerSysctls.isEmpty else { return }
        var parsed: [String: SysctlSet] = [:]
        var given = Set(inputs.realServerSysctls.compactMap(\.host))
        for (_, server) in inputs.realServers {
            guard let address = server.address.address, !given.contains(address.description),
                let entry = configuration.realServerSysctls.first(where: { $0.matches(address) })
            else { continue }
            if parsed[entry.path] == nil {
                let file = try load(entry.path)
                try file.checkBounds()
                parsed[entry.path] = try SysctlParser.parse(file, host: nil)
                suppressions += try Suppression.scan(file, knownRules: RuleRegistry.id)
                files.append(file)
            }
            var set = parsed[entry.path]!
            set.host = address.description
            inputs.realServerSysctls.append(set)
            given.insert(address.description)
        }
    }

    /// Adds suppressions from outside the inputs (a baseline).
    public mutating func addSuppressions(_ more: [Suppression]) {
        suppressions += more
    }

    /// Runs the linter over these inputs.
    public func lint(with linter: Linter = Linter()) -> Linter.Result {
        linter.run(inputs, suppressions: suppressions)
    }
}
