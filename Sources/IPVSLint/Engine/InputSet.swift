import IPVS

/// What an input file is: which flag it was given with.
public enum InputRole: Sendable, Hashable, CustomStringConvertible {
    case ipvsadm
    case iptables
    case ip6tables
    /// nil host: the director's sysctls; else a real server's (address or name).
    case sysctl(host: String?)
    case timeouts

    public var description: String {
        switch self {
        case .ipvsadm: "--ipvsadm"
        case .iptables: "--iptables"
        case .ip6tables: "--ip6tables"
        case .sysctl(let host): host.map { "--sysctl \($0)=FILE" } ?? "--sysctl FILE"
        case .timeouts: "--timeouts"
        }
    }
}

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

    public init(serviceNames: ServiceNames = .none) {
        self.serviceNames = serviceNames
    }

    /// Parses one file in its role. A second file for a role that takes one (everything but
    /// real-server sysctls) is a usage mistake the caller should have refused; here the later
    /// file wins.
    public mutating func add(_ file: SourceFile, as role: InputRole) throws(LintInputError) {
        switch role {
        case .ipvsadm:
            inputs.ipvs = try IPVSAdmRulesParser.parse(file, serviceNames: serviceNames)
        case .iptables:
            inputs.iptables = try IPTablesSaveParser.parse(file, family: .ipv4, serviceNames: serviceNames)
        case .ip6tables:
            inputs.ip6tables = try IPTablesSaveParser.parse(file, family: .ipv6, serviceNames: serviceNames)
        case .sysctl(let host):
            let set = try SysctlParser.parse(file, host: host)
            if host == nil { inputs.directorSysctls = set } else { inputs.realServerSysctls.append(set) }
        case .timeouts:
            inputs.timeouts = try TimeoutsParser.parse(file)
        }
        suppressions += try Suppression.scan(file) { RuleRegistry.lookup($0)?.metadata.id }
        files.append(file)
    }

    /// `--timeouts TCP,TCPFIN,UDP` given on the command line.
    public mutating func setTimeouts(commandLine text: String) throws(LintInputError) {
        inputs.timeouts = try TimeoutsParser.parse(commandLine: text)
    }

    /// `facts.schedulers`: the schedulers the target kernel has.
    public mutating func setKnownSchedulers(_ names: Set<String>) {
        inputs.knownSchedulers = names
    }

    /// Runs the linter over these inputs.
    public func lint(with linter: Linter = Linter()) -> Linter.Result {
        linter.run(inputs, suppressions: suppressions)
    }
}
