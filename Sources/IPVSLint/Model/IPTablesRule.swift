import IPVSModel

/// One `-A` (or `-I`) rule.
public struct IPTablesRule: Sendable, Hashable {
    public var table: String
    public var chain: String
    public var location: SourceLocation
    /// The rule after the chain name, as written (for messages and fingerprints).
    public var text: String
    public var source: AddressMatch?
    public var destination: AddressMatch?
    public var inInterface: (negated: Bool, name: String)?
    public var outInterface: (negated: Bool, name: String)?
    public var proto: (negated: Bool, name: String)?
    public var matches: [MatchModule] = []
    public var target: String?
    public var targetOptions: [ModuleOption] = []
    public var isGoto = false

    public static func == (lhs: IPTablesRule, rhs: IPTablesRule) -> Bool { lhs.location == rhs.location && lhs.text == rhs.text }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(location)
        hasher.combine(text)
    }

    public func match(_ name: String) -> MatchModule? { matches.first { $0.name == name } }

    public func targetOption(_ name: String) -> ModuleOption? { targetOptions.first { $0.name == name } }

    /// The destination ports the rule matches, from `-m tcp/udp/sctp --dport` or
    /// `-m multiport --dports/--ports`; nil when it does not restrict them.
    public var destinationPorts: PortSet?

    /// The MARK operation of a `-j MARK` rule.
    public var markOperation: MarkOperation?

    /// `fwm=table/chain#text` for fingerprints.
    public var objectKey: String { "ipt=\(table)/\(chain)#\(text)" }
}
