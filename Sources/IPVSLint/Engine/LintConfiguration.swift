public import IPVSModel
import Yams

/// `.ipvs-lint.yaml`: what a fleet decides once instead of on every command line.
///
/// ```yaml
/// failure-threshold: warning          # error | warning | info | none
/// rules:
///   LVS206: off                       # a rule turned off
///   dr-tun-port-mismatch: warning     # a rule's severity (ID or name)
/// ignore:                             # findings accepted, by object, each with a reason
///   - rule: LVS207
///     object: svc=tcp/10.0.0.1:80
///     reason: drained for the migration, back in March
/// real-servers:                       # sysctl files for real servers by address range
///   - match: 192.168.10.0/24
///     sysctl: sysctl/web.conf          # relative to this file
/// facts:                              # what the files cannot say
///   schedulers: [rr, wrr, wlc, sh, mh]
///   kernel: "5.4"                     # the kernel the rules will run on
///   health-checker: keepalived        # what removes failed real servers (none: nothing)
///   vrrp-role: master                 # master | backup
/// ```
///
/// Every key is checked: an unknown key, a rule that does not exist or an ignore without a
/// reason is an error at its line and column, like any other unreadable input.
public struct LintConfiguration: Sendable {
    public var file: SourceFile
    public var failureThreshold: Located<FailureThreshold>?
    public var severities: [String: Severity] = [:]
    public var disabled: [String: SourceLocation] = [:]
    public var ignores: [Suppression] = []
    public var realServerSysctls: [RealServerSysctlFiles] = []
    public var schedulers: Set<String>?
    public var facts = DirectorFacts()

    /// Real servers whose address falls in `match` use the sysctl file at `path`.
    public struct RealServerSysctlFiles: Sendable {
        public var match: AddressMatch.Network
        public var path: String
        public var location: SourceLocation

        public func matches(_ address: IPAddress) -> Bool { match.contains(address) }
    }

    public static let fileName = ".ipvs-lint.yaml"

    /// Parses a configuration; `knownRules` turns an ID or name into the rule's ID.
    public static func parse(_ file: SourceFile, knownRules: (String) -> String?) throws(LintInputError) -> LintConfiguration {
        var configuration = LintConfiguration(file: file)
        let text = file.lines.joined(separator: "\n")
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.yamlError(error, file: file)
        } catch {
            throw LintInputError(SourceLocation(file: file.id, line: 1), found: "\(error)", expected: "YAML")
        }
        guard let root else { return configuration }
        let top = try mapping(root, file: file, what: "a mapping of failure-threshold, rules, ignore, real-servers, facts")
        for (key, value) in top {
            switch key.string {
            case "failure-threshold":
                let text = try scalar(value, file: file, what: FailureThreshold.choices)
                guard let threshold = FailureThreshold(rawValue: text) else {
                    throw LintInputError(
                        location(value, file), found: LintInputError.quote(text), expected: FailureThreshold.choices)
                }
                configuration.failureThreshold = Located(threshold, location(value, file))
            case "rules":
                for (ruleKey, setting) in try mapping(value, file: file, what: "rule: off | error | warning | info") {
                    guard let id = knownRules(ruleKey.string ?? "") else {
                        throw LintInputError(
                            location(ruleKey, file), found: LintInputError.quote(ruleKey.string ?? "?"),
                            expected:
                                "a rule ID (LVS201) or name (dr-tun-port-mismatch); ipvs_exporter lint --list-rules lists them")
                    }
                    let text = try scalar(setting, file: file, what: "off, error, warning or info")
                    if ["off", "false", "disable", "disabled"].contains(text) {
                        configuration.disabled[id] = location(ruleKey, file)
                    } else if let severity = Severity(rawValue: text) {
                        configuration.severities[id] = severity
                    } else {
                        throw LintInputError(
                            location(setting, file), found: LintInputError.quote(text), expected: "off, error, warning or info")
                    }
                }
            case "ignore":
                guard case .sequence(let entries) = value else {
                    throw LintInputError(location(value, file), found: "not a list", expected: "a list of {rule, object, reason}")
                }
                for entry in entries {
                    let fields = try mapping(entry, file: file, what: "{rule: LVS207, object: svc=tcp/10.0.0.1:80, reason: why}")
                    var rule: String?
                    var object: String?
                    var reason: String?
                    for (field, fieldValue) in fields {
                        switch field.string {
                        case "rule":
                            let text = try scalar(fieldValue, file: file, what: "a rule ID or name")
                            guard let id = knownRules(text) else {
                                throw LintInputError(
                                    location(fieldValue, file), found: LintInputError.quote(text),
                                    expected: "a rule ID (LVS201) or name")
                            }
                            rule = id
                        case "object":
                            object = try scalar(fieldValue, file: file, what: "an object key such as svc=tcp/10.0.0.1:80")
                        case "reason": reason = try scalar(fieldValue, file: file, what: "why this finding is accepted")
                        default:
                            throw LintInputError(
                                location(field, file), found: LintInputError.quote(field.string ?? "?"),
                                expected: "rule, object or reason")
                        }
                    }
                    guard let rule, let object else {
                        throw LintInputError(
                            location(entry, file), found: "an ignore without rule or object",
                            expected: "rule and object (the object key is in --format json output)")
                    }
                    guard let reason, !reason.trimmingCharacters(in: " \t").isEmpty else {
                        throw LintInputError(
                            location(entry, file), found: "an ignore without a reason",
                            expected: "reason: why this finding is accepted")
                    }
                    configuration.ignores.append(
                        Suppression(rules: [rule], reason: reason, location: location(entry, file), object: object))
                }
            case "real-servers":
                guard case .sequence(let entries) = value else {
                    throw LintInputError(
                        location(value, file), found: "not a list", expected: "a list of {match: CIDR, sysctl: FILE}")
                }
                for entry in entries {
                    var match: AddressMatch.Network?
                    var path: String?
                    for (field, fieldValue) in try mapping(entry, file: file, what: "{match: 192.168.10.0/24, sysctl: FILE}") {
                        switch field.string {
                        case "match":
                            let text = try scalar(fieldValue, file: file, what: "an address or CIDR range")
                            guard let network = AddressMatch.Network(parsing: text) else {
                                throw LintInputError(
                                    location(fieldValue, file), found: LintInputError.quote(text),
                                    expected: "an address or CIDR range such as 192.168.10.0/24")
                            }
                            match = network
                        case "sysctl":
                            path = try scalar(fieldValue, file: file, what: "a sysctl file")
                        default:
                            throw LintInputError(
                                location(field, file), found: LintInputError.quote(field.string ?? "?"),
                                expected: "match or sysctl")
                        }
                    }
                    guard let match, let path else {
                        throw LintInputError(
                            location(entry, file), found: "an entry without match or sysctl",
                            expected: "{match: CIDR, sysctl: FILE}")
                    }
                    configuration.realServerSysctls.append(
                        RealServerSysctlFiles(match: match, path: path, location: location(entry, file)))
                }
            case "facts":
                for (fact, factValue) in try mapping(value, file: file, what: "facts such as schedulers: [rr, wlc]") {
                    switch fact.string {
                    case "schedulers":
                        guard case .sequence(let names) = factValue else {
                            throw LintInputError(
                                location(factValue, file), found: "not a list", expected: "a list of scheduler names")
                        }
                        var schedulers = Set<String>()
                        for name in names { schedulers.insert(try scalar(name, file: file, what: "a scheduler name")) }
                        configuration.schedulers = schedulers
                    case "kernel":
                        let text = try scalar(factValue, file: file, what: "a kernel release such as \"5.4\"")
                        guard let release = KernelRelease(text) else {
                            throw LintInputError(
                                location(factValue, file), found: LintInputError.quote(text),
                                expected: "a kernel release such as \"5.4\" or \"6.1.0-21-amd64\"")
                        }
                        configuration.facts.kernel = release
                    case "health-checker":
                        let text = try scalar(
                            factValue, file: file, what: "a health checker such as keepalived, ldirectord or none")
                        guard !text.isEmpty else {
                            throw LintInputError(
                                location(factValue, file), found: "an empty value",
                                expected: "a health checker such as keepalived, ldirectord or none")
                        }
                        configuration.facts.healthChecker = text
                    case "vrrp-role":
                        let text = try scalar(factValue, file: file, what: "master or backup")
                        guard let role = VRRPRole(rawValue: text.lowercased()) else {
                            throw LintInputError(
                                location(factValue, file), found: LintInputError.quote(text), expected: "master or backup")
                        }
                        configuration.facts.vrrpRole = role
                    default:
                        throw LintInputError(
                            location(fact, file), found: LintInputError.quote(fact.string ?? "?"),
                            expected: "schedulers, kernel, health-checker or vrrp-role")
                    }
                }
            default:
                throw LintInputError(
                    location(key, file), found: LintInputError.quote(key.string ?? "?"),
                    expected: "failure-threshold, rules, ignore, real-servers or facts")
            }
        }
        return configuration
    }

    static func location(_ node: Node, _ file: SourceFile) -> SourceLocation {
        SourceLocation(file: file.id, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    static func mapping(_ node: Node, file: SourceFile, what: String) throws(LintInputError) -> [(key: Node, value: Node)] {
        guard case .mapping(let mapping) = node else {
            throw LintInputError(location(node, file), found: "not a mapping", expected: what)
        }
        return mapping.map { ($0.key, $0.value) }
    }

    static func scalar(_ node: Node, file: SourceFile, what: String) throws(LintInputError) -> String {
        guard case .scalar(let scalar) = node else {
            throw LintInputError(location(node, file), found: "a list or mapping", expected: what)
        }
        return scalar.string
    }

    static func yamlError(_ error: YamlError, file: SourceFile) -> LintInputError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
            return LintInputError(
                SourceLocation(file: file.id, line: mark.line, column: mark.column), found: problem, expected: "valid YAML")
        default:
            return LintInputError(SourceLocation(file: file.id, line: 1), found: "\(error)", expected: "valid YAML")
        }
    }
}
