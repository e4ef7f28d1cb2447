/// Traffic to a VIP:port dropped by a chain that runs before IPVS (filter INPUT at priority 0,
/// IPVS at 99). Docs: lint-rules/LVS510.md
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
