import IPVSModel

/// Whether a rule applies to a kind of packet, as far as the linter can tell from the matches it
/// understands.
enum MatchResult {
    /// Every such packet matches.
    case always
    /// Some may: a criterion the linter cannot decide (client address, interface, state…).
    case maybe
    /// None can.
    case never
}

extension MatchResult {
    /// The weaker of two: a packet must pass both.
    func and(_ other: MatchResult) -> MatchResult {
        switch (self, other) {
        case (.never, _), (_, .never): .never
        case (.always, .always): .always
        default: .maybe
        }
    }

    /// The stronger of two: a packet may take either way.
    func or(_ other: MatchResult) -> MatchResult {
        switch (self, other) {
        case (.always, _), (_, .always): .always
        case (.never, .never): .never
        default: .maybe
        }
    }
}

extension IPTablesTable {
    /// Whether a packet can arrive in `chain`: a built-in chain always; a user chain only through
    /// a jump or goto whose rule can match it, in a chain the packet can arrive in. kube-proxy's
    /// KUBE-SEP chains DNAT with no destination of their own: their KUBE-SVC callers, each
    /// matching one cluster IP, say which traffic reaches them.
    func arrival(at chain: String, of packet: PacketProfile, memo: inout [String: MatchResult]) -> MatchResult {
        if (Self.builtinChains[name] ?? []).contains(chain) { return .always }
        if let known = memo[chain] { return known }
        memo[chain] = .never  // a cycle adds no way in
        var result = MatchResult.never
        for rule in jumps(to: chain) {
            result = result.or(arrival(at: rule.chain, of: packet, memo: &memo).and(rule.matches(packet)))
            if case .always = result { break }
        }
        memo[chain] = result
        return result
    }
}

/// The packets of a virtual service, arriving from remote clients.
struct PacketProfile {
    var destination: IPAddress?
    var proto: TransportProtocol?
    var port: UInt16?
    /// The service's family, known even without an address (`-f 1 -6`).
    var family: IPAddress.Family?
}

extension ServiceDefinition {
    /// The packets that reach this service, when its address is numeric.
    var packets: PacketProfile {
        PacketProfile(
            destination: identity.host?.address, proto: identity.proto, port: identity.port?.number, family: identity.family)
    }
}

extension IPTablesRule {
    /// Port options of tcp, udp, sctp and multiport that `matches` judges itself; built once,
    /// not per rule and service (a 6,000-service lint asks hundreds of thousands of times).
    private static let portOptionsJudged: Set<String> = ["dport", "destination-port", "dports", "destination-ports", "ports"]

    func matches(_ packet: PacketProfile) -> MatchResult {
        var results: [MatchResult] = []
        if let destination {
            results.append(Self.addressResult(destination, packet.destination))
        }
        if let source {
            // Clients can come from anywhere; only a match-all source is certain.
            let everything = source.networks?.contains { $0.prefixLength == 0 } ?? false
            results.append(everything && !source.negated ? .always : .maybe)
        }
        if let inInterface {
            // Remote clients never arrive on lo.
            if inInterface.name == "lo" { results.append(inInterface.negated ? .always : .never) } else { results.append(.maybe) }
        }
        if outInterface != nil { results.append(.maybe) }
        if let proto {
            if proto.name == "all" || proto.name == "0" {
                results.append(proto.negated ? .never : .always)
            } else if let packetProto = packet.proto {
                let same = proto.name == packetProto.description.lowercased() || proto.name == String(packetProto.number)
                results.append(same != proto.negated ? .always : .never)
            } else {
                results.append(.maybe)
            }
        }
        if let destinationPorts {
            if let port = packet.port, let inside = destinationPorts.contains(port) {
                results.append(inside ? .always : .never)
            } else {
                results.append(.maybe)
            }
        }
        for module in matches {
            switch module.name {
            case "comment":
                continue
            case "conntrack", "state":
                results.append(Self.newConnectionResult(module))
            case "tcp", "udp", "sctp", "multiport":
                // Ports are judged above; anything else (source ports, flags) is undecided.
                if module.options.contains(where: { !Self.portOptionsJudged.contains($0.name) }) { results.append(.maybe) }
            default:
                results.append(.maybe)
            }
        }
        if results.contains(where: { if case .never = $0 { return true } else { return false } }) { return .never }
        if results.contains(where: { if case .maybe = $0 { return true } else { return false } }) { return .maybe }
        return .always
    }

    /// The profile is a connection's first packet, which conntrack (at PREROUTING -200, before
    /// IPVS) sees as NEW: `--ctstate ESTABLISHED,RELATED` never matches it, `--ctstate NEW`
    /// always does. Any other conntrack criterion is undecided.
    static func newConnectionResult(_ module: MatchModule) -> MatchResult {
        var result = MatchResult.always
        for option in module.options {
            guard option.name == "ctstate" || option.name == "state", option.values.count == 1 else { return .maybe }
            let states = option.values[0].uppercased().split(separator: ",")
            let hasNew = states.contains("NEW")
            if hasNew == option.negated { result = .never }
        }
        return module.options.isEmpty ? .maybe : result
    }

    static func addressResult(_ match: AddressMatch, _ address: IPAddress?) -> MatchResult {
        guard let networks = match.networks, let address else { return .maybe }
        let inside = networks.contains { $0.contains(address) }
        return inside != match.negated ? .always : .never
    }

    /// The rule line as a short text for messages: `mangle PREROUTING line 7`.
    var place: String { "\(table) \(chain) (line \(location.line))" }
}

extension ServiceIdentity {
    /// `rs=tcp/10.0.0.1:80/10.0.0.2` for a real server of this service.
    func realServerKey(_ server: RealServerDefinition) -> String {
        "rs=\(objectKey.dropFirst(4))/\(server.addressText)"
    }
}

/// Rules indexed by the destinations they name, so that the rules that may apply to one VIP are
/// found by lookups rather than by scanning every rule for every service: a director with
/// 10,000 services and a 50,000-rule firewall would otherwise cost 500 million matches.
struct DestinationIndex {
    /// Networks by prefix length, then by masked address: one lookup per length in use.
    private var byLength: [Int: [IPAddress: [Int]]] = [:]
    /// `! -d …`: these name the addresses they do *not* match.
    private var negated: [(AddressMatch, Int)] = []
    /// Rules whose destination test is the same for every address: no `-d`, or a host name.
    private(set) var unconstrained: [Int] = []

    init(_ rules: some Collection<IPTablesRule>) {
        for (position, rule) in rules.enumerated() {
            guard let destination = rule.destination, let networks = destination.networks else {
                unconstrained.append(position)
                continue
            }
            if destination.negated {
                negated.append((destination, position))
                continue
            }
            for network in networks {
                byLength[network.prefixLength + (network.address.family == .ipv6 ? 1000 : 0), default: [:]][
                    AddressMatch.Network.masked(network.address, to: network.prefixLength), default: []
                ].append(position)
            }
        }
    }

    /// Positions (ascending) of the rules whose destination test depends on `address` and
    /// differs from other addresses': those that name it, and negated ones that exclude it. Two
    /// VIPs with the same signature are treated the same by every rule of the index.
    func signature(_ address: IPAddress) -> [Int] {
        var found = Set<Int>()
        for (key, table) in byLength where (key >= 1000) == (address.family == .ipv6) {
            found.formUnion(table[AddressMatch.Network.masked(address, to: key % 1000)] ?? [])
        }
        for (match, position) in negated where match.networks!.contains(where: { $0.contains(address) }) {
            found.insert(position)
        }
        return found.sorted()
    }

    /// Positions of the rules that may apply to `address`, leaving out ``unconstrained`` (whose
    /// answer does not depend on the address, so callers can work it out once).
    func candidates(excludingUnconstrained address: IPAddress) -> [Int] {
        var found = Set<Int>()
        for (match, position) in negated where !match.networks!.contains(where: { $0.contains(address) }) {
            found.insert(position)
        }
        for (key, table) in byLength where (key >= 1000) == (address.family == .ipv6) {
            found.formUnion(table[AddressMatch.Network.masked(address, to: key % 1000)] ?? [])
        }
        return found.sorted()
    }
}

/// A set of addresses that answers "is any of them inside this network?" by binary search, for
/// rules that compare every firewall rule with every real server.
struct AddressSet {
    private let sorted: [IPAddress]

    init(_ addresses: some Sequence<IPAddress>) {
        sorted = Array(Set(addresses)).sorted()
    }

    var isEmpty: Bool { sorted.isEmpty }

    /// Whether some address of the set lies in `network`.
    func containsAny(in network: AddressMatch.Network) -> Bool {
        let first = AddressMatch.Network.masked(network.address, to: network.prefixLength)
        // The first address not below `first`, then check it is still inside.
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < first { low = middle + 1 } else { high = middle }
        }
        return low < sorted.count && network.contains(sorted[low])
    }

    /// Whether an address match can hold for some address of the set.
    func mayMatch(_ match: AddressMatch) -> Bool {
        guard let networks = match.networks else { return !sorted.isEmpty }
        if match.negated {
            // Matches every address outside the networks: unless all of ours are inside.
            return sorted.contains { address in !networks.contains { $0.contains(address) } }
        }
        return networks.contains { containsAny(in: $0) }
    }
}
