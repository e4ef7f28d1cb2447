public import IPVS

/// An address match of a rule: `-d 10.0.0.1/32`, `! -s 192.168.0.0/16`.
public struct AddressMatch: Sendable, Hashable {
    public var negated: Bool
    /// Networks (iptables accepts comma lists); nil for a host name the linter cannot resolve.
    public var networks: [Network]?
    public var text: String

    public struct Network: Sendable, Hashable {
        public var address: IPAddress
        public var prefixLength: Int

        /// Whether the network contains `other`.
        public func contains(_ other: IPAddress) -> Bool {
            guard other.family == address.family else { return false }
            let width = address.family == .ipv4 ? 32 : 128
            guard prefixLength > 0 else { return true }
            if address.family == .ipv4 {
                let mask = prefixLength >= 32 ? UInt32.max : ~(UInt32.max >> UInt32(prefixLength))
                return address.ipv4Value & mask == other.ipv4Value & mask
            }
            let highBits = min(prefixLength, 64)
            let lowBits = max(0, min(prefixLength, width) - 64)
            let highMask = highBits == 0 ? 0 : (highBits >= 64 ? UInt64.max : ~(UInt64.max >> UInt64(highBits)))
            let lowMask = lowBits == 0 ? 0 : (lowBits >= 64 ? UInt64.max : ~(UInt64.max >> UInt64(lowBits)))
            return address.high & highMask == other.high & highMask && address.low & lowMask == other.low & lowMask
        }
    }
}

/// A set of ports: `--dport 80`, `--dport 8000:8100`, `--dports 80,443,8000:8100`.
public struct PortSet: Sendable, Hashable {
    public var negated: Bool
    /// Inclusive ranges; nil when a port name could not be resolved.
    public var ranges: [ClosedRange<UInt16>]?
    public var text: String

    public func contains(_ port: UInt16) -> Bool? {
        guard let ranges else { return nil }
        let inside = ranges.contains { $0.contains(port) }
        return negated ? !inside : inside
    }

    /// More than one port.
    public var isMultiple: Bool {
        guard let ranges else { return true }
        return negated || ranges.count > 1 || ranges.contains { $0.count > 1 }
    }
}

/// One option of a match or a target, with its values: `--dports 80,443`, `! --mark 0x6`.
public struct ModuleOption: Sendable, Hashable {
    public var name: String
    public var negated: Bool
    public var values: [String]
    public var location: SourceLocation
}

/// `-m NAME --option value…`; implicit protocol matches (`-p tcp --dport 80`) are named after
/// the protocol.
public struct MatchModule: Sendable, Hashable {
    public var name: String
    public var options: [ModuleOption]

    public func option(_ name: String) -> ModuleOption? { options.first { $0.name == name } }
}

/// The kernel's MARK operation: `mark = (mark & ~mask) ^ value`.
public struct MarkOperation: Sendable, Hashable, CustomStringConvertible {
    public var value: UInt32
    public var mask: UInt32
    /// How the rule wrote it (`--set-xmark 0x1/0xffffffff`, `--or-mark 0x2`).
    public var written: String

    /// Whether the packet can carry exactly `mark` after this operation.
    public func canProduce(_ mark: UInt32) -> Bool {
        value & mask == mark & mask
    }

    public var setsWholeMark: Bool { mask == UInt32.max }

    public var description: String { "0x\(String(value, radix: 16))/0x\(String(mask, radix: 16))" }
}

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

/// A chain declaration: `:INPUT DROP [0:0]`, `:IPVS-FWM - [0:0]`, `-N CHAIN`.
public struct IPTablesChain: Sendable, Hashable {
    public var name: String
    /// nil for user chains (`-`).
    public var policy: String?
    public var location: SourceLocation
}

public struct IPTablesTable: Sendable, Hashable {
    public var name: String
    public var location: SourceLocation
    public var chains: [IPTablesChain] = []
    public var rules: [IPTablesRule] = []

    public func chain(_ name: String) -> IPTablesChain? { chains.first { $0.name == name } }
    public func rules(in chain: String) -> [IPTablesRule] { rules.filter { $0.chain == chain } }

    /// The built-in chains of each table, in hook order.
    public static let builtinChains: [String: [String]] = [
        "raw": ["PREROUTING", "OUTPUT"],
        "mangle": ["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
        "nat": ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
        "filter": ["INPUT", "FORWARD", "OUTPUT"],
        "security": ["INPUT", "FORWARD", "OUTPUT"],
    ]

    /// The built-in chains from which `chain` is reached (itself if built-in), following jumps
    /// and gotos through user chains.
    public func builtinChains(reaching chain: String) -> Set<String> {
        let builtins = Set(Self.builtinChains[name] ?? [])
        if builtins.contains(chain) { return [chain] }
        var found = Set<String>()
        var visited: Set<String> = [chain]
        var frontier = [chain]
        while let current = frontier.popLast() {
            for rule in rules where rule.target == current {
                if builtins.contains(rule.chain) {
                    found.insert(rule.chain)
                } else if visited.insert(rule.chain).inserted {
                    frontier.append(rule.chain)
                }
            }
        }
        return found
    }
}

/// An `iptables-save` or `ip6tables-save` file.
public struct IPTablesRuleset: Sendable, Hashable {
    public var file: SourceFile
    public var family: IPAddress.Family
    public var tables: [IPTablesTable] = []
    /// `# Warning: iptables-legacy tables present…`: the dump may not show every rule.
    public var legacyTablesWarning: SourceLocation?

    public func table(_ name: String) -> IPTablesTable? { tables.first { $0.name == name } }

    public var allRules: [IPTablesRule] { tables.flatMap(\.rules) }
}
