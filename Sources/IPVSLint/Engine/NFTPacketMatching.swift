import IPVSModel

/// Whether an nftables rule applies to the packets of a virtual service, as far as the linter
/// can tell: the counterpart of ``IPTablesRule/matches(_:)`` for ``NFTRule``.
extension NFTRule {
    /// Statements that neither match nor end the rule: they do not change which packets it takes.
    private static let passive: Set<String> = [
        "counter", "comment", "log", "notrack", "masquerade", "snat", "set update", "flow offload", "dup",
    ]

    func matches(_ packet: PacketProfile, in table: NFTTable) -> MatchResult {
        var result = MatchResult.always
        for statement in statements {
            switch statement {
            case .match(let left, let op, let right):
                result = result.and(NFTMatching.match(left, op, right, packet, table: table, ruleFamily: family))
            case .other(let kind) where !Self.passive.contains(kind):
                // limit, quota, meter, xt, a statement read as text…: some packets, maybe.
                result = result.and(.maybe)
            default:
                continue
            }
            if case .never = result { return .never }
        }
        return result
    }

    /// The verdict the rule ends with, if any (nft allows one, last).
    var verdict: NFTVerdict? {
        for case .verdict(let verdict) in statements.reversed() { return verdict }
        return nil
    }

    /// `nftables inet filter input (line 12)` or `(handle 7)` for JSON, whose lines say little.
    var place: String { "nftables \(family.rawValue) \(table) \(chain) (\(position))" }

    /// `line 12`, or `handle 7` for JSON, which nft writes on one line.
    var position: String {
        location.line > 1 || handle == nil ? "line \(location.line)" : "handle \(handle!)"
    }

    /// `nft=inet/filter/input#12`: handles are stable across listings, lines are not.
    var objectKey: String { "nft=\(family.rawValue)/\(table)/\(chain)#\(handle.map(String.init) ?? "line\(location.line)")" }
}

enum NFTMatching {
    /// Port names (`tcp dport ssh` in a script; listings print numbers), read once.
    static let serviceNames = ServiceNames.system

    /// Transport header fields that bring their protocol with them: `tcp dport 80` only
    /// matches TCP (nft adds the `meta l4proto tcp` test itself).
    static let transports: [String: TransportProtocol] = ["tcp": .tcp, "udp": .udp, "sctp": .sctp]

    static func match(
        _ left: NFTExpression, _ op: String, _ right: NFTExpression, _ packet: PacketProfile, table: NFTTable,
        ruleFamily: NFTFamily
    ) -> MatchResult {
        let negated = op == "!="
        guard op == "==" || op == "in" || negated else { return .maybe }
        func judged(_ inside: Bool?) -> MatchResult {
            guard let inside else { return .maybe }
            return inside != negated ? .always : .never
        }
        switch left {
        case .payload(let proto, let field):
            // `ip daddr` in an inet table only sees IPv4 packets; `tcp dport` only TCP.
            if proto == "ip" || proto == "ip6", let family = packet.family, family != (proto == "ip" ? .ipv4 : .ipv6) {
                return .never
            }
            if let transport = transports[proto], let packetProto = packet.proto, packetProto != transport {
                return .never
            }
            switch (proto, field) {
            case ("ip", "daddr"), ("ip6", "daddr"):
                guard let destination = packet.destination else { return .maybe }
                return judged(contains(right, destination, table: table))
            case ("ip", "saddr"), ("ip6", "saddr"):
                // Clients come from anywhere: only /0 is certain.
                if case .prefix(_, 0) = right, !negated { return .always }
                return .maybe
            case (_, "dport") where transports[proto] != nil || proto == "th":
                guard let port = packet.port else { return .maybe }
                return judged(containsPort(right, port, proto: proto, table: table))
            case ("ip", "protocol"), ("ip6", "nexthdr"):
                guard let packetProto = packet.proto else { return .maybe }
                return judged(containsProtocol(right, packetProto, table: table))
            default:
                return .maybe
            }
        case .meta("l4proto"):
            guard let packetProto = packet.proto else { return .maybe }
            return judged(containsProtocol(right, packetProto, table: table))
        case .meta("nfproto"):
            guard let family = packet.family else { return .maybe }
            return judged(
                values(right, table: table)?.contains { value in
                    if case .text(let name) = value { return name == (family == .ipv4 ? "ipv4" : "ipv6") }
                    return false
                })
        case .meta("iifname"), .meta("iif"):
            // Remote clients never arrive on lo.
            guard let names = values(right, table: table) else { return .maybe }
            if names.allSatisfy({ $0 == .text("lo") }) { return negated ? .always : .never }
            return .maybe
        case .conntrack("state"):
            // A connection's first packet is NEW to conntrack (PREROUTING -200, before IPVS).
            guard let states = values(right, table: table) else { return .maybe }
            return judged(states.contains(.text("new")))
        case .conntrack("status"):
            // Before IPVS a first packet's entry is unconfirmed, unanswered and (without a dnat
            // rule, LVS509's business) untranslated: none of these flags is set yet.
            let unset: Set<String> = ["expected", "seen-reply", "assured", "confirmed", "snat", "dnat", "dying"]
            guard let flags = values(right, table: table),
                flags.allSatisfy({ if case .text(let flag) = $0 { unset.contains(flag) } else { false } })
            else { return .maybe }
            return judged(false)
        case .concatenation(let keys):
            guard !negated, let elements = values(right, table: table) else { return .maybe }
            var result = MatchResult.never
            for element in elements {
                guard case .concatenation(let parts) = element, parts.count == keys.count else { return .maybe }
                var each = MatchResult.always
                for (key, part) in zip(keys, parts) {
                    each = each.and(match(key, "==", part, packet, table: table, ruleFamily: ruleFamily))
                }
                result = result.or(each)
                if case .always = result { break }
            }
            return result
        default:
            return .maybe
        }
    }

    /// The values a right-hand side stands for: itself, an anonymous set's, or a named set's
    /// elements; nil when unknown (a map, an expression).
    static func values(_ right: NFTExpression, table: NFTTable) -> [NFTExpression]? {
        switch right {
        case .set(let items): items
        case .reference(let name): table.set(name).map(\.elements)
        case .number, .text, .prefix, .range, .concatenation: [right]
        default: nil
        }
    }

    /// Whether `address` is among the addresses, prefixes and ranges; nil when undecided.
    static func contains(_ right: NFTExpression, _ address: IPAddress, table: NFTTable) -> Bool? {
        guard let items = values(right, table: table) else { return nil }
        var undecided = false
        for item in items {
            switch item {
            case .text(let text):
                guard let value = IPAddress(text) else {
                    undecided = true
                    continue
                }
                if value == address { return true }
            case .prefix(.text(let text), let length):
                guard let value = IPAddress(text) else {
                    undecided = true
                    continue
                }
                if AddressMatch.Network(address: value, prefixLength: length).contains(address) { return true }
            case .range(.text(let low), .text(let high)):
                guard let low = IPAddress(low), let high = IPAddress(high) else {
                    undecided = true
                    continue
                }
                if low.family == address.family, low <= address, address <= high { return true }
            default:
                undecided = true
            }
        }
        return undecided ? nil : false
    }

    static func containsPort(_ right: NFTExpression, _ port: UInt16, proto: String, table: NFTTable) -> Bool? {
        guard let items = values(right, table: table) else { return nil }
        var undecided = false
        for item in items {
            switch item {
            case .number(let value):
                if value == UInt64(port) { return true }
            case .range(.number(let low), .number(let high)):
                if low <= UInt64(port), UInt64(port) <= high { return true }
            case .text(let name):
                guard let value = serviceNames.port(name, proto: proto == "th" ? "tcp" : proto) else {
                    undecided = true
                    continue
                }
                if value == port { return true }
            default:
                undecided = true
            }
        }
        return undecided ? nil : false
    }

    static func containsProtocol(_ right: NFTExpression, _ proto: TransportProtocol, table: NFTTable) -> Bool? {
        guard let items = values(right, table: table) else { return nil }
        for item in items {
            switch item {
            case .number(let value): if value == UInt64(proto.number) { return true }
            case .text(let name): if name == proto.description.lowercased() { return true }
            default: return nil
            }
        }
        return false
    }
}

extension NFTTable {
    /// Whether a packet can arrive in `chain`: a base chain always; another only through a
    /// jump or goto whose rule can match it (a verdict map's jumps: maybe), from a chain the
    /// packet can arrive in.
    func arrival(at chain: String, of packet: PacketProfile, memo: inout [String: MatchResult]) -> MatchResult {
        if self.chain(chain)?.base != nil { return .always }
        if let known = memo[chain] { return known }
        memo[chain] = .never  // a cycle adds no way in
        var result = MatchResult.never
        for caller in chains {
            for rule in caller.rules {
                let targets = NFTMarks.jumpTargets(rule, in: self)
                guard targets.contains(chain) else { continue }
                var via = MatchResult.never
                if rule.verdict == .jump(chain) || rule.verdict == .goto(chain) { via = .always }
                // Through a verdict map: only packets whose key is an element that jumps here
                // (kube-proxy's `ip daddr . meta l4proto . th dport vmap @service-ips`).
                for case .verdictMap(let key, let data) in rule.statements {
                    for case .mapping(let element, .text(let verdict)) in NFTMarks.elements(of: data, in: self)
                    where verdict == "jump \(chain)" || verdict == "goto \(chain)" {
                        via = via.or(NFTMatching.match(key, "==", element, packet, table: self, ruleFamily: rule.family))
                    }
                }
                via = via.and(rule.matches(packet, in: self))
                result = result.or(arrival(at: caller.name, of: packet, memo: &memo).and(via))
                if case .always = result { break }
            }
        }
        memo[chain] = result
        return result
    }
}
