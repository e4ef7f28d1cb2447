/// An nftables ruleset as `nft list ruleset` or `nft -j list ruleset` shows it: what the lint
/// rules need about firewall marks, NAT and drops of a director's traffic, and every other
/// statement kept by name, never refused.
public struct NFTRuleset: Sendable, Hashable {
    public var file: SourceFile
    public var tables: [NFTTable] = []
    /// Statements, expressions and objects read but not modelled (`limit`, `xt`, flowtables…),
    /// by kind, with where each kind first appears: `--verbose` lists them.
    public var opaque: [String: SourceLocation] = [:]

    public init(file: SourceFile) {
        self.file = file
    }

    public func table(_ family: NFTFamily, _ name: String) -> NFTTable? {
        tables.first { $0.family == family && $0.name == name }
    }

    /// Every rule of every table, in ruleset order.
    public var allRules: [NFTRule] { tables.flatMap { $0.chains.flatMap(\.rules) } }
}

/// An nftables address family: which packets a table's chains see.
public enum NFTFamily: String, Sendable, Hashable, CaseIterable {
    case ip, ip6, inet, arp, bridge, netdev
}

public struct NFTTable: Sendable, Hashable {
    public var family: NFTFamily
    public var name: String
    public var location: SourceLocation
    public var chains: [NFTChain] = []
    public var sets: [NFTSet] = []

    public init(family: NFTFamily, name: String, location: SourceLocation) {
        self.family = family
        self.name = name
        self.location = location
    }

    public func chain(_ name: String) -> NFTChain? { chains.first { $0.name == name } }
    public func set(_ name: String) -> NFTSet? { sets.first { $0.name == name } }
}

/// A chain; a base chain is attached to a netfilter hook at a priority.
public struct NFTChain: Sendable, Hashable {
    public struct Base: Sendable, Hashable {
        /// `filter`, `nat` or `route`.
        public var type: String
        /// `prerouting`, `input`, `forward`, `output`, `postrouting`, `ingress`, `egress`.
        public var hook: String
        /// Lower runs first; IPVS schedules at LOCAL_IN 99 (remote clients) and LOCAL_OUT -98.
        public var priority: Int
        /// `accept` or `drop`; nil when not shown.
        public var policy: String?
        /// The interfaces an ingress or egress chain is bound to (`device eth0`): it sees only
        /// their packets.
        public var devices: [String] = []

        public init(type: String, hook: String, priority: Int, policy: String?) {
            self.type = type
            self.hook = hook
            self.priority = priority
            self.policy = policy
        }
    }

    public var name: String
    public var location: SourceLocation
    public var base: Base?
    public var rules: [NFTRule] = []

    public init(name: String, location: SourceLocation, base: Base?) {
        self.name = name
        self.location = location
        self.base = base
    }
}

/// A named set or map (`set tcp_vips { type ipv4_addr . inet_service; … }`).
public struct NFTSet: Sendable, Hashable {
    public var name: String
    public var location: SourceLocation
    /// The key type as written (`ipv4_addr . inet_service`).
    public var keyType: String
    /// For a map, the type of its values (`mark`, `verdict`, `ipv4_addr`).
    public var dataType: String?
    /// Elements; for a map each is `.mapping(key, value)`.
    public var elements: [NFTExpression]

    public init(name: String, location: SourceLocation, keyType: String, dataType: String?, elements: [NFTExpression]) {
        self.name = name
        self.location = location
        self.keyType = keyType
        self.dataType = dataType
        self.elements = elements
    }

    public var isMap: Bool { dataType != nil }
}

public struct NFTRule: Sendable, Hashable {
    /// The table and chain it is in.
    public var family: NFTFamily
    public var table: String
    public var chain: String
    /// The rule's line (text) or the place of its object (JSON).
    public var location: SourceLocation
    /// The kernel's handle, when the ruleset shows it (`nft -a`, and always in JSON).
    public var handle: UInt64?
    public var statements: [NFTStatement]

    public init(
        family: NFTFamily, table: String, chain: String, location: SourceLocation, handle: UInt64?,
        statements: [NFTStatement]
    ) {
        self.family = family
        self.table = table
        self.chain = chain
        self.location = location
        self.handle = handle
        self.statements = statements
    }
}

public enum NFTStatement: Sendable, Hashable {
    /// `left op right`: `ip daddr 10.0.0.1`, `tcp dport { 80, 443 }`, `meta mark != 0x1`.
    case match(left: NFTExpression, op: String, right: NFTExpression)
    /// `meta mark set VALUE` (the packet) or `ct mark set VALUE` (the connection).
    case setMark(NFTMarkHolder, NFTExpression)
    /// `accept`, `drop`, `reject`, `return`, `continue`, `queue`, `jump CHAIN`, `goto CHAIN`.
    case verdict(NFTVerdict)
    /// `dnat to ADDRESS:PORT`; either may be absent.
    case dnat(address: NFTExpression?, port: NFTExpression?)
    /// `redirect to :PORT`.
    case redirect(port: NFTExpression?)
    /// `KEY vmap { VALUE : VERDICT, … }` or `KEY vmap @name`: a jump chosen by a lookup.
    case verdictMap(key: NFTExpression, data: NFTExpression)
    /// Read and kept by name: `counter`, `log`, `limit`, `snat`, `masquerade`, `notrack`…
    case other(String)
}

/// Where a mark is set: the packet's (`meta mark`) or its connection's (`ct mark`).
public enum NFTMarkHolder: String, Sendable, Hashable {
    case packet = "meta"
    case connection = "ct"
}

public enum NFTVerdict: Sendable, Hashable {
    case accept, drop, reject, `return`, `continue`, queue
    case jump(String)
    case goto(String)

    /// A verdict as a map's value holds it (`accept`, `jump CHAIN`); nil for anything else.
    init?(written: String) {
        let words = written.split(separator: " ").map(String.init)
        switch (words.first, words.count) {
        case ("accept", 1): self = .accept
        case ("drop", 1): self = .drop
        case ("reject", 1): self = .reject
        case ("return", 1): self = .return
        case ("jump", 2): self = .jump(words[1])
        case ("goto", 2): self = .goto(words[1])
        default: return nil
        }
    }
}

public indirect enum NFTExpression: Sendable, Hashable {
    /// An integer constant (marks, ports, protocol numbers).
    case number(UInt64)
    /// Any other constant as written: an address, a name (`tcp`, `established`), a string.
    case text(String)
    /// `ADDRESS/LENGTH`.
    case prefix(NFTExpression, length: Int)
    /// `LOW-HIGH`.
    case range(NFTExpression, NFTExpression)
    /// An anonymous set `{ a, b }`.
    case set([NFTExpression])
    /// A named set or map, `@name`.
    case reference(String)
    /// `a . b`.
    case concatenation([NFTExpression])
    /// A map lookup: `KEY map @name` or `KEY map { k : v, … }`.
    case map(key: NFTExpression, data: NFTExpression)
    /// A map element `key : value`.
    case mapping(NFTExpression, NFTExpression)
    /// A header field: `ip daddr`, `tcp dport`, `ip6 saddr`.
    case payload(protocol: String, field: String)
    /// `meta KEY` (`mark`, `l4proto`, `iifname`, `nfproto`).
    case meta(String)
    /// `ct KEY` (`mark`, `state`, `original ip daddr`…).
    case conntrack(String)
    /// `a & b`, `a | b`, `a ^ b`, `a << b`, `a >> b`.
    case binary(String, NFTExpression, NFTExpression)
    /// Read and kept by name (`fib`, `rt`, `socket`, `numgen`, `jhash`, `osf`…).
    case other(String)
}
