public import IPVSModel

/// An address match of a rule: `-d 10.0.0.1/32`, `! -s 192.168.0.0/16`.
public struct AddressMatch: Sendable, Hashable {
    public var negated: Bool
    /// Networks (iptables accepts comma lists); nil for a host name the linter cannot resolve.
    public var networks: [Network]?
    public var text: String

    public struct Network: Sendable, Hashable {
        public var address: IPAddress
        public var prefixLength: Int

        public init(address: IPAddress, prefixLength: Int) {
            self.address = address
            self.prefixLength = prefixLength
        }

        /// `address` with the prefix as written after its `/`: a length (`24`), an IPv4 mask
        /// (`255.255.255.0`, as iptables-save prints some), or nil for a single host.
        public init?(address: IPAddress, prefix: (some StringProtocol)?) {
            let width = address.family == .ipv4 ? 32 : 128
            guard let prefix else {
                self.init(address: address, prefixLength: width)
                return
            }
            if let length = Int(prefix), (0...width).contains(length) {
                self.init(address: address, prefixLength: length)
            } else if let mask = IPAddress(prefix), mask.family == .ipv4, address.family == .ipv4 {
                self.init(address: address, prefixLength: mask.ipv4Value.nonzeroBitCount)
            } else {
                return nil
            }
        }

        /// `192.168.10.0/24`, `2001:db8::/64`, or one address.
        public init?(parsing text: some StringProtocol) {
            let pieces = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let address = IPAddress(pieces[0]) else { return nil }
            self.init(address: address, prefix: pieces.count == 2 ? pieces[1] : nil)
        }

        /// Whether the network contains `other`.
        public func contains(_ other: IPAddress) -> Bool {
            other.family == address.family && Self.masked(other, to: prefixLength) == Self.masked(address, to: prefixLength)
        }

        /// The address with the bits after the first `length` cleared.
        static func masked(_ address: IPAddress, to length: Int) -> IPAddress {
            if address.family == .ipv4 {
                let mask = length <= 0 ? 0 : length >= 32 ? UInt32.max : ~(UInt32.max >> UInt32(length))
                return IPAddress(ipv4: address.ipv4Value & mask)
            }
            let highBits = max(0, min(length, 64))
            let lowBits = max(0, min(length, 128) - 64)
            let highMask = highBits == 0 ? 0 : (highBits >= 64 ? UInt64.max : ~(UInt64.max >> UInt64(highBits)))
            let lowMask = lowBits == 0 ? 0 : (lowBits >= 64 ? UInt64.max : ~(UInt64.max >> UInt64(lowBits)))
            return IPAddress(ipv6High: address.high & highMask, low: address.low & lowMask)
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
    public private(set) var chains: [IPTablesChain] = []
    /// In file order (`-I` already placed where it inserts).
    public internal(set) var rules: [IPTablesRule] = [] {
        didSet { indexed = false }
    }
    /// Lookups the rules make many times over big rulesets (kube-proxy writes tens of thousands
    /// of rules in thousands of chains), built once the table is complete.
    private var chainPositions: [String: Int] = [:]
    private var rulePositionsByChain: [String: [Int]] = [:]
    private var builtinsReaching: [String: Set<String>] = [:]
    private var indexed = false

    public init(name: String, location: SourceLocation) {
        self.name = name
        self.location = location
    }

    public func chain(_ name: String) -> IPTablesChain? { chainPositions[name].map { chains[$0] } }

    public func rules(in chain: String) -> [IPTablesRule] {
        if indexed { return (rulePositionsByChain[chain] ?? []).map { rules[$0] } }
        return rules.filter { $0.chain == chain }
    }

    /// Declares a chain, or updates its policy and place (`-P` after `:CHAIN`).
    mutating func declare(_ chain: IPTablesChain) {
        if let position = chainPositions[chain.name] {
            chains[position].policy = chain.policy
            chains[position].location = chain.location
        } else {
            chainPositions[chain.name] = chains.count
            chains.append(chain)
        }
    }

    /// Builds the lookups; called when the table's COMMIT is read.
    mutating func finish() {
        rulePositionsByChain = [:]
        var jumpers: [String: Set<String>] = [:]
        for (position, rule) in rules.enumerated() {
            rulePositionsByChain[rule.chain, default: []].append(position)
            if let target = rule.target { jumpers[target, default: []].insert(rule.chain) }
        }
        let builtins = Set(Self.builtinChains[name] ?? [])
        builtinsReaching = [:]
        for chain in Set(chains.map(\.name)).union(rules.map(\.chain)) {
            if builtins.contains(chain) {
                builtinsReaching[chain] = [chain]
                continue
            }
            var found = Set<String>()
            var visited: Set<String> = [chain]
            var frontier = [chain]
            while let current = frontier.popLast() {
                for caller in jumpers[current] ?? [] {
                    if builtins.contains(caller) {
                        found.insert(caller)
                    } else if visited.insert(caller).inserted {
                        frontier.append(caller)
                    }
                }
            }
            builtinsReaching[chain] = found
        }
        indexed = true
    }

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
        if indexed, let found = builtinsReaching[chain] { return found }
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
    public private(set) var tables: [IPTablesTable] = []
    /// The MARK rules of every table: a handful among thousands of rules, which several rules
    /// search once per firewall-mark service, so they are set aside as tables are added.
    public private(set) var markRules: [IPTablesRule] = []
    /// `# Warning: iptables-legacy tables present…`: the dump may not show every rule.
    public var legacyTablesWarning: SourceLocation?

    public init(file: SourceFile, family: IPAddress.Family) {
        self.file = file
        self.family = family
    }

    public func table(_ name: String) -> IPTablesTable? { tables.first { $0.name == name } }

    /// Adds a finished table (its COMMIT was read).
    mutating func add(_ table: IPTablesTable) {
        tables.append(table)
        markRules += table.rules.filter { $0.markOperation != nil }
    }

    /// The MARK rules that can leave exactly `mark` on a packet.
    public func producers(of mark: UInt32) -> [IPTablesRule] {
        markRules.filter { $0.markOperation!.canProduce(mark) }
    }

    public var allRules: [IPTablesRule] { tables.flatMap(\.rules) }
}
