import IPVSKernel
import IPVSLint
import IPVSModel
import WebConfig

/// Every parser that reads outside input, as a libFuzzer target: bytes in, a typed error or
/// a value out, never a trap. `ipvs-fuzz` runs one under libFuzzer; the tests replay the seed
/// corpora and every input that ever crashed one (Fuzz/regressions) through the same code.
public enum FuzzTarget: String, CaseIterable, Sendable {
    case procServices = "proc-ip_vs"
    case procStats = "proc-ip_vs_stats"
    case procStatsPerCPU = "proc-ip_vs_stats_percpu"
    case procConnections = "proc-ip_vs_conn"
    case procSysctl = "proc-sysctl"
    case netlink
    case ipvsadmSave = "ipvsadm-save"
    case iptablesSave = "iptables-save"
    case sysctl
    case timeouts
    case keepalived
    case lintConfiguration = "lint-config"
    case baseline
    case webConfig = "web-config"
    case nftablesJSON = "nftables-json"
    case nftablesText = "nftables-text"

    /// Runs one input. Errors are the expected outcome for most inputs; only a trap is a
    /// finding.
    public func run(_ bytes: [UInt8]) {
        switch self {
        case .procServices:
            _ = try? ServiceTableParser.parse(bytes, file: "ip_vs", hz: 250)
            _ = try? ServiceTableParser.parse(bytes, file: "ip_vs", hz: nil)
        case .procStats:
            _ = try? GlobalStatsParser.parse(bytes, file: "ip_vs_stats")
        case .procStatsPerCPU:
            _ = try? PerCPUStatsParser.parse(bytes, file: "ip_vs_stats_percpu")
        case .procConnections:
            // The fixed-layout path must agree with the general parser on every input.
            let fast = Result { () throws(ProcParseError) in try ConnectionTableParser.parse(bytes, file: "ip_vs_conn") }
            let general = Result { () throws(ProcParseError) in
                try ConnectionTableParser.parse(bytes, file: "ip_vs_conn", fixedLayout: false)
            }
            precondition(fast == general, "the fixed-layout and general connection parsers disagree")
        case .procSysctl:
            // The first byte picks the sysctl's name, so textual and numeric ones both get inputs.
            let names = ["am_droprate", "sync_threshold", "est_cpulist", "conntrack", "sync_ports", "expire_nodest_conn"]
            guard let first = bytes.first else { return }
            _ = try? SysctlParser.parse(Array(bytes.dropFirst()), name: names[Int(first) % names.count], file: "vs")
        case .netlink:
            Self.netlink(bytes)
        case .ipvsadmSave:
            _ = try? IPVSAdmRulesParser.parse(Self.file(bytes))
        case .iptablesSave:
            _ = try? IPTablesSaveParser.parse(Self.file(bytes), family: .ipv4)
            _ = try? IPTablesSaveParser.parse(Self.file(bytes), family: .ipv6)
        case .sysctl:
            _ = try? IPVSLint.SysctlParser.parse(Self.file(bytes), host: nil)
        case .timeouts:
            _ = try? TimeoutsParser.parse(Self.file(bytes))
            _ = try? TimeoutsParser.parse(commandLine: String(decoding: bytes.prefix(64), as: UTF8.self))
        case .keepalived:
            // Includes resolve to the input itself, so include handling is fuzzed too. The
            // parser reads up to 1,000 files; past a few, a load fails instead, or a handful of
            // include lines would make one input cost a thousand parses and slow the search.
            let file = Self.file(bytes)
            let loads = LoadCount()
            _ = try? KeepalivedParser.parse(
                file,
                load: { path throws(LintInputError) in
                    loads.value += 1
                    guard loads.value <= 8 else {
                        throw LintInputError(
                            SourceLocation(file: file.id, line: 1, column: 1), found: path, expected: "at most 8 includes")
                    }
                    return file
                })
        case .lintConfiguration:
            _ = try? LintConfiguration.parse(Self.file(bytes, name: ".ipvs-lint.yaml"), knownRules: RuleRegistry.id)
        case .baseline:
            _ = try? Baseline.read(Self.file(bytes, name: "baseline"), knownRules: RuleRegistry.id)
        case .webConfig:
            _ = try? WebConfiguration.parse(String(decoding: bytes, as: UTF8.self), path: "/etc/ipvs/web.yml")
        case .nftablesJSON:
            _ = try? NFTJSONParser.parse(Self.file(bytes, name: "ruleset.json"))
        case .nftablesText:
            _ = try? NFTTextParser.parse(Self.file(bytes, name: "ruleset.nft"))
        }
    }

    /// How many includes one keepalived input has loaded.
    final class LoadCount {
        var value = 0
    }

    static func file(_ bytes: [UInt8], name: String = "fuzz") -> SourceFile {
        SourceFile(name: name, text: String(decoding: bytes, as: UTF8.self))
    }

    /// The first byte picks what the rest is: a whole reply stream (as recorded by
    /// `netlink-dump`), or one message payload for each decoder.
    static func netlink(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let payload = Array(bytes.dropFirst())
        switch selector % 6 {
        case 0:
            guard let reply = try? NetlinkReply(replaying: payload, dump: true) else { return }
            for message in reply.messages {
                _ = try? IPVSNetlinkDecoder.service(message)
                _ = try? IPVSNetlinkDecoder.realServer(message, serviceFamily: .ipv4)
            }
        case 1: _ = try? IPVSNetlinkDecoder.service(payload)
        case 2: _ = try? IPVSNetlinkDecoder.realServer(payload, serviceFamily: selector & 0x80 == 0 ? .ipv4 : .ipv6)
        case 3: _ = try? IPVSNetlinkDecoder.info(payload)
        case 4: _ = try? IPVSNetlinkDecoder.timeouts(payload)
        default: _ = try? IPVSNetlinkDecoder.syncDaemon(payload)
        }
    }
}
