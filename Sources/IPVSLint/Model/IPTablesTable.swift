import IPVSModel

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
    /// Chain → the positions of the rules that jump or go to it.
    private var jumpPositions: [String: [Int]] = [:]
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
        jumpPositions = [:]
        var jumpers: [String: Set<String>] = [:]
        for (position, rule) in rules.enumerated() {
            rulePositionsByChain[rule.chain, default: []].append(position)
            if let target = rule.target {
                jumpers[target, default: []].insert(rule.chain)
                jumpPositions[target, default: []].append(position)
            }
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
    /// The rules that jump or go to `chain`.
    public func jumps(to chain: String) -> [IPTablesRule] {
        if indexed { return (jumpPositions[chain] ?? []).map { rules[$0] } }
        return rules.filter { $0.target == chain }
    }

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
