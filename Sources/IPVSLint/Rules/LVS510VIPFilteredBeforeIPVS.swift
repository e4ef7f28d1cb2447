import IPVSModel

/// Traffic to a VIP:port dropped by a chain that runs before IPVS (filter INPUT at priority 0,
/// IPVS at 99; in nftables, any prerouting chain or input chain below priority 99).
/// Docs: lint-rules/LVS510.md
struct VIPFilteredBeforeIPVS: LintRule {
    static let metadata = RuleMetadata(
        id: "LVS510", name: "vip-filtered-before-ipvs", severity: .error, inputs: [.ipvsadm, .firewall],
        summary: "Traffic to a virtual service is dropped before IPVS sees it")

    /// The chains a packet to a local VIP traverses before IPVS's LOCAL_IN hook, in order.
    static let path: [(String, String)] = [
        ("raw", "PREROUTING"), ("mangle", "PREROUTING"), ("mangle", "INPUT"), ("filter", "INPUT"), ("security", "INPUT"),
    ]

    enum Outcome {
        case accepted
        case blocked(SourceLocation, String)
        case undecided(String)
        case fellThrough
    }

    func check(_ inputs: LintInputs, into report: inout Report) {
        // The outcome of a walk depends on the VIP only through the rules that name it, so
        // services whose VIPs no rule tells apart (and with the same protocol and port) share
        // one walk: a big director walks a few times, not once per service.
        var indexes: [String: DestinationIndex] = [:]
        var outcomes: [String: Outcome] = [:]
        for service in inputs.ipvs?.services ?? [] where !service.identity.isFirewallMark {
            if let nft = inputs.nftables { Self.checkNFT(nft, service, into: &report) }
            guard let vip = service.packets.destination, let ruleset = inputs.firewall(for: service.identity.family) else {
                continue
            }
            walk: for (tableName, chainName) in Self.path {
                guard let table = ruleset.table(tableName) else { continue }
                let indexKey = "\(ruleset.family)/\(tableName)"
                if indexes[indexKey] == nil { indexes[indexKey] = DestinationIndex(table.rules) }
                let packet = service.packets
                let key =
                    "\(indexKey)/\(chainName)/\(packet.proto.map { "\($0)" } ?? "-")/\(packet.port.map(String.init) ?? "-")/\(indexes[indexKey]!.signature(vip))"
                let outcome = outcomes[key] ?? Self.walk(table, chainName, packet, depth: 0)
                outcomes[key] = outcome
                switch outcome {
                case .accepted:
                    continue
                case .blocked(let location, let why):
                    report.add(
                        "\(why) drops traffic to \(service.identity) before IPVS sees it (\(tableName) \(chainName) runs before IPVS's LOCAL_IN hook)",
                        at: location, object: "\(service.identity.objectKey)@\(tableName)/\(chainName)",
                        related: [service.location])
                    break walk
                case .undecided(let why):
                    report.add(
                        "whether \(tableName) \(chainName) lets \(service.identity) through depends on matches the linter cannot evaluate (\(why))",
                        at: table.chain(chainName)?.location ?? table.location,
                        object: "\(service.identity.objectKey)@\(tableName)/\(chainName)",
                        severity: .info, related: [service.location])
                    break walk
                case .fellThrough:
                    let policy = table.chain(chainName)?.policy ?? "ACCEPT"
                    if policy == "DROP" {
                        let location = table.chain(chainName)?.location ?? table.location
                        report.add(
                            "\(tableName) \(chainName) has policy DROP and no rule accepts traffic to \(service.identity) before IPVS sees it",
                            at: location, object: "\(service.identity.objectKey)@\(tableName)/\(chainName)",
                            related: [service.location])
                        break walk
                    }
                }
            }
        }
    }

    static func walk(_ table: IPTablesTable, _ chain: String, _ packet: PacketProfile, depth: Int) -> Outcome {
        guard depth < 16 else { return .undecided("chains nested too deeply") }
        var unsure: [String] = []
        for rule in table.rules(in: chain) {
            let result = rule.matches(packet)
            if case .never = result { continue }
            let certain: Bool = { if case .always = result { return true } else { return false } }()
            switch rule.target {
            case "DROP", "REJECT":
                if certain {
                    return .blocked(rule.location, "\(table.name) \(chain) \(rule.target!) at line \(rule.location.line)")
                }
                unsure.append("\(rule.target!) at line \(rule.location.line)")
            case "ACCEPT":
                if certain { return unsure.isEmpty ? .accepted : .undecided(unsure.joined(separator: ", ")) }
                unsure.append("ACCEPT at line \(rule.location.line)")
            case "RETURN":
                if certain { return unsure.isEmpty ? .fellThrough : .undecided(unsure.joined(separator: ", ")) }
                unsure.append("RETURN at line \(rule.location.line)")
            case let target?
            where table.chain(target) != nil && IPTablesTable.builtinChains[table.name]?.contains(target) != true:
                let inner = walk(table, target, packet, depth: depth + 1)
                switch inner {
                case .fellThrough:
                    if rule.isGoto && certain { return .fellThrough }
                    continue
                case .accepted, .blocked:
                    if certain { return unsure.isEmpty ? inner : .undecided(unsure.joined(separator: ", ")) }
                    unsure.append("jump to \(target) at line \(rule.location.line)")
                case .undecided(let why):
                    unsure.append(why)
                }
            default:
                continue  // MARK, LOG, CONNMARK…: not terminating
            }
        }
        if !unsure.isEmpty {
            let policy = table.chain(chain)?.policy ?? "ACCEPT"
            // Uncertain rules only matter when they could change the outcome.
            let couldDrop = unsure.contains {
                $0.hasPrefix("DROP") || $0.hasPrefix("REJECT") || $0.hasPrefix("jump") || $0.hasPrefix("RETURN")
            }
            if policy == "DROP" || couldDrop { return .undecided(unsure.joined(separator: ", ")) }
        }
        return .fellThrough
    }
}

extension VIPFilteredBeforeIPVS {
    /// The nftables base chains a packet to a local VIP passes before IPVS's LOCAL_IN hook
    /// (priority 99), in the order the kernel runs them. Each decides on its own: an accept
    /// ends one base chain, not the packet's way through the others; a drop ends it.
    static func nftChains(_ ruleset: NFTRuleset, family: IPAddress.Family) -> [(NFTTable, NFTChain, NFTChain.Base)] {
        let order = ["ingress": 0, "prerouting": 1, "input": 2]
        var out: [(NFTTable, NFTChain, NFTChain.Base)] = []
        for table in NFTMarks.tables(ruleset, family: family) {
            for chain in table.chains {
                guard let base = chain.base, let _ = order[base.hook], base.hook != "input" || base.priority < 99 else {
                    continue
                }
                out.append((table, chain, base))
            }
        }
        return out.sorted { (order[$0.2.hook]!, $0.2.priority) < (order[$1.2.hook]!, $1.2.priority) }
    }

    static func checkNFT(_ ruleset: NFTRuleset, _ service: ServiceDefinition, into report: inout Report) {
        let packet = service.packets
        guard packet.destination != nil else { return }
        // A chain the linter cannot decide does not hide a later one that certainly drops: the
        // first undecided chain is reported only when no later chain blocks.
        var firstUndecided: (String, SourceLocation, String)?
        for (table, chain, base) in nftChains(ruleset, family: service.identity.family) {
            let name =
                "nftables \(table.family.rawValue) \(table.name) \(chain.name) (hook \(base.hook) priority \(base.priority))"
            let object = "\(service.identity.objectKey)@nft/\(table.family.rawValue)/\(table.name)/\(chain.name)"
            var memo: [String: Outcome] = [:]
            var outcome = walk(table, chain.name, packet, depth: 0, memo: &memo)
            if case .fellThrough = outcome, base.policy == "drop" {
                outcome = .blocked(chain.location, "\(name) has policy drop and no rule accepts")
            }
            // Bound to some interfaces, the chain does not see what arrives on the others.
            if case .blocked = outcome, !base.devices.isEmpty {
                outcome = .undecided("bound to \(base.devices.joined(separator: ", ")) only")
            }
            switch outcome {
            case .accepted, .fellThrough:
                continue
            case .blocked(let location, let why):
                report.add(
                    "\(why) traffic to \(service.identity) before IPVS sees it (\(name) runs before IPVS's LOCAL_IN hook at priority 99)",
                    at: location, object: object, related: [service.location])
                return
            case .undecided(let why):
                if firstUndecided == nil { firstUndecided = (name, chain.location, why) }
            }
        }
        if let (name, location, why) = firstUndecided {
            report.add(
                "whether \(name) lets \(service.identity) through depends on matches the linter cannot evaluate (\(why))",
                at: location, object: "\(service.identity.objectKey)@nft/undecided", severity: .info,
                related: [service.location])
        }
    }

    /// One chain's verdict for the packet. Rules that may or may not match are remembered by
    /// what they could do instead: a certain outcome stands when no uncertain rule before it
    /// could have ended the packet otherwise (firewalld's `iifname "eth0" goto zone` before
    /// its catch-all `goto zone` decides nothing).
    /// `memo` keeps each chain's outcome for this packet: a chain jumped to from many places
    /// (or itself, which nft refuses) is walked once.
    static func walk(
        _ table: NFTTable, _ chainName: String, _ packet: PacketProfile, depth: Int, memo: inout [String: Outcome]
    ) -> Outcome {
        if let known = memo[chainName] { return known }
        memo[chainName] = .undecided("a loop through \(chainName)")
        let outcome = walkOnce(table, chainName, packet, depth: depth, memo: &memo)
        memo[chainName] = outcome
        return outcome
    }

    static func walkOnce(
        _ table: NFTTable, _ chainName: String, _ packet: PacketProfile, depth: Int, memo: inout [String: Outcome]
    ) -> Outcome {
        guard depth < 16, let chain = table.chain(chainName) else {
            return .undecided(depth < 16 ? "no chain \(chainName)" : "chains nested too deeply")
        }
        var unsure: [String] = []
        // What the uncertain rules so far could have done instead: a return (or a goto that
        // fell through) ends this chain as its end does.
        var (mayAccept, mayBlock, mayReturn) = (false, false, false)
        func conclude(_ outcome: Outcome) -> Outcome {
            let doubt: Bool =
                switch outcome {
                case .accepted: mayBlock || mayReturn
                case .blocked: mayAccept || mayReturn
                default: mayAccept || mayBlock
                }
            return doubt ? .undecided(Self.reasons(unsure)) : outcome
        }
        for rule in chain.rules {
            let result = rule.matches(packet, in: table)
            if case .never = result { continue }
            let certain = result == .always
            let at = rule.position
            var verdicts: [(NFTVerdict, MatchResult)] = rule.verdict.map { [($0, .always)] } ?? []
            for case .verdictMap(let key, let data) in rule.statements {
                // Each element whose key can be the packet's, with its verdict.
                for case .mapping(let element, .text(let written)) in NFTMarks.elements(of: data, in: table) {
                    let chosen = NFTMatching.match(key, "==", element, packet, table: table, ruleFamily: rule.family)
                    if chosen == .never { continue }
                    if let verdict = NFTVerdict(written: written) {
                        verdicts.append((verdict, chosen))
                    } else {
                        unsure.append("vmap at \(at)")
                        (mayAccept, mayBlock) = (true, true)
                    }
                }
            }
            for (verdict, chosen) in verdicts {
                let sure = certain && chosen == .always
                switch verdict {
                case .drop, .reject:
                    let word = verdict == .drop ? "drop" : "reject"
                    if sure { return conclude(.blocked(rule.location, "\(rule.place) \(word)s")) }
                    unsure.append("\(word) at \(at)")
                    mayBlock = true
                case .accept:
                    if sure { return conclude(.accepted) }
                    unsure.append("accept at \(at)")
                    mayAccept = true
                case .return:
                    if sure { return conclude(.fellThrough) }
                    unsure.append("return at \(at)")
                    mayReturn = true
                case .jump(let target), .goto(let target):
                    let inner = walk(table, target, packet, depth: depth + 1, memo: &memo)
                    let isGoto = verdict == .goto(target)
                    switch inner {
                    case .fellThrough:
                        guard isGoto else { continue }
                        if sure { return conclude(.fellThrough) }
                        unsure.append("goto \(target) at \(at)")
                        mayReturn = true
                    case .accepted:
                        if sure { return conclude(inner) }
                        unsure.append("jump to \(target) at \(at)")
                        mayAccept = true
                    case .blocked:
                        if sure { return conclude(inner) }
                        unsure.append("jump to \(target) at \(at)")
                        mayBlock = true
                    case .undecided(let why):
                        // The inner reason once, not once per way in: a chain reached four ways
                        // from each of twenty levels would otherwise repeat it 4^20 times.
                        if sure { return .undecided(([why] + unsure).joined(separator: ", ")) }
                        if !unsure.contains(why) { unsure.append(why) }
                        (mayAccept, mayBlock) = (true, true)
                    }
                case .queue:
                    unsure.append("queue at \(at)")
                    (mayAccept, mayBlock) = (true, true)
                case .continue:
                    continue
                }
            }
        }
        // The end of the chain: a base chain's policy, or back to the chain that jumped here.
        let doubt =
            if let base = chain.base { base.policy == "drop" ? mayAccept : mayBlock } else { mayAccept || mayBlock }
        return doubt ? .undecided(Self.reasons(unsure)) : .fellThrough
    }

    /// The first few reasons, for a message a person reads.
    static func reasons(_ unsure: [String]) -> String {
        let text = unsure.prefix(3).joined(separator: ", ")
        return unsure.count > 3 ? text + ", and \(unsure.count - 3) more" : text
    }
}
