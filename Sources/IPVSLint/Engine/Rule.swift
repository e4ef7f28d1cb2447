/// How serious a finding is.
public enum Severity: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case info
    case warning
    case error

    var rank: Int {
        switch self {
        case .info: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// An input a rule reads.
public enum InputKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// `--ipvsadm`: ipvsadm-save output or an `ipvsadm -R` rules file.
    case ipvsadm
    /// `--iptables` or `--ip6tables`.
    case firewall
    /// `--sysctl FILE`: the director's sysctls.
    case directorSysctl = "director-sysctl"
    /// `--sysctl HOST=FILE`: real servers' sysctls.
    case realServerSysctl = "real-server-sysctl"
    /// `--timeouts`, or `--set` lines in the ipvsadm file.
    case timeouts
    /// `facts: kernel:` of `.ipvs-lint.yaml` (with `--live`, the running kernel's release).
    case kernelFact = "facts.kernel"
    /// `facts: health-checker:` of `.ipvs-lint.yaml`.
    case healthCheckerFact = "facts.health-checker"
    /// `facts: vrrp-role:` of `.ipvs-lint.yaml`.
    case vrrpRoleFact = "facts.vrrp-role"

    public var description: String {
        switch self {
        case .ipvsadm: "--ipvsadm"
        case .firewall: "--iptables/--ip6tables/--nftables"
        case .directorSysctl: "--sysctl FILE"
        case .realServerSysctl: "--sysctl HOST=FILE"
        case .timeouts: "--timeouts"
        case .kernelFact, .healthCheckerFact, .vrrpRoleFact: rawValue
        }
    }
}

/// What a rule is: the short facts. The prose is its page in `lint-rules/`.
public struct RuleMetadata: Sendable, Hashable, Codable {
    /// `LVS201`: LVS and three digits, the hundreds digit the family.
    public let id: String
    /// `dr-tun-port-mismatch`: works wherever the ID does.
    public let name: String
    public let severity: Severity
    /// Inputs the rule needs; without all of them it is skipped (and says so with --verbose).
    public let inputs: [InputKind]
    /// One line.
    public let summary: String

    public init(id: String, name: String, severity: Severity, inputs: [InputKind], summary: String) {
        self.id = id
        self.name = name
        self.severity = severity
        self.inputs = inputs
        self.summary = summary
    }
}

/// One check. A rule is one file: its metadata and a pure function of the parsed inputs.
public protocol LintRule: Sendable {
    static var metadata: RuleMetadata { get }
    init()
    func check(_ inputs: LintInputs, into report: inout Report)
}

/// Where findings are collected while rules run.
public struct Report: Sendable {
    let rule: RuleMetadata
    public private(set) var findings: [Finding] = []
    /// Objects the rule could not check for lack of an input, for --verbose.
    public private(set) var notes: [String] = []

    init(rule: RuleMetadata) {
        self.rule = rule
    }

    /// Records a finding at `location` about `object` (a stable key such as `svc=tcp/10.0.0.1:80`).
    public mutating func add(
        _ message: String, at location: SourceLocation, object: String, severity: Severity? = nil, related: [SourceLocation] = []
    ) {
        findings.append(
            Finding(
                ruleID: rule.id, ruleName: rule.name, severity: severity ?? rule.severity, message: message, location: location,
                object: object, related: related))
    }

    /// Notes that part of the check could not run.
    public mutating func skip(_ what: String) {
        notes.append(what)
    }
}

/// One problem found.
public struct Finding: Sendable, Hashable {
    public var ruleID: String
    public var ruleName: String
    public var severity: Severity
    public var message: String
    public var location: SourceLocation
    /// The object the finding is about; with the rule it makes the fingerprint, which survives
    /// reordering of the input (ipvsadm-save sorts its output).
    public var object: String
    public var related: [SourceLocation]
    /// The key an older release gave this finding, when it changed (keepalived real servers
    /// gained their port in 0.9): a suppression written with it still covers the finding for
    /// one release, and is reported as outdated.
    public var formerObject: String?

    /// A stable 64-bit FNV-1a hash of rule and object, hex.
    public var fingerprint: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(ruleID)|\(object)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let text = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - text.count) + text
    }
}
