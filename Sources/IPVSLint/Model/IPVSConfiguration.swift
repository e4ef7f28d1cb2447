import IPVSModel

extension ForwardingMethod {
    /// The ipvsadm switch: -m, -g, -i.
    var flag: String {
        switch self {
        case .masquerading: "-m"
        case .tunneling: "-i"
        default: "-g"
        }
    }
}

extension ForwardingMethod {
    /// keepalived's lb_kind / lvs_method: NAT, DR, TUN.
    var keepalivedName: String {
        switch self {
        case .masquerading: "NAT"
        case .tunneling: "TUN"
        default: "DR"
        }
    }
}

/// An ipvsadm rules file (`ipvsadm-save -n` output, or hand-written `ipvsadm -R` input).
public struct IPVSConfiguration: Sendable, Hashable {
    public var file: SourceFile
    /// In file order, as `ipvsadm -R` would leave them (edits applied, deletions removed).
    public var services: [ServiceDefinition] = []
    /// `-a` lines whose service no earlier line created (the kernel answers ESRCH).
    public var orphanRealServers: [(ServiceIdentity, RealServerDefinition)] = []
    /// `-A` lines for a service an earlier line already created (the kernel answers EEXIST).
    public var duplicateServices: [(ServiceDefinition, first: SourceLocation)] = []
    /// `-a` lines for a real server the service already has.
    public var duplicateRealServers: [(ServiceIdentity, RealServerDefinition, first: SourceLocation)] = []
    /// `--set tcp tcpfin udp` lines.
    public var timeoutSettings: [Located<[Int64]>] = []
    /// Words that are host or service names rather than numbers.
    public var names: [Located<String>] = []
    /// Read from keepalived.conf, where a file without virtual servers is normal (a VRRP-only
    /// part of a split configuration), rather than from an ipvsadm rules file.
    public var fromKeepalived = false
    /// "keepalived" when keepalived.conf has a health checker that removes a failed real server
    /// (a checker without inhibit_on_failure): the fact `facts.health-checker` states by hand.
    public var healthChecker: String?
    /// keepalived real servers as findings now name them (`10.0.0.11:8080`) → as they did
    /// before 0.9 (`10.0.0.11`), so that baselines and `ignore:` entries written then keep
    /// matching for one release.
    public var formerAddressTexts: [String: String] = [:]
    /// The files the configuration was read from (keepalived's includes among them).
    public var sourceNames: Set<SourceName> = []
    /// Marks keepalived sets itself (`nftables_ipvs` in global_defs) for the firewall-mark
    /// services it makes of `virtual_server group` blocks: no firewall file holds them.
    public var keepalivedMarks: [KeepalivedMark] = []

    public static func == (lhs: IPVSConfiguration, rhs: IPVSConfiguration) -> Bool {
        lhs.file == rhs.file && lhs.services == rhs.services
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(file)
        hasher.combine(services)
    }
}

/// A mark keepalived's `nftables_ipvs` sets (keepalived/check/check_nftables.c): in table `ip`
/// or `ip6` NAME (`keepalived_ipvs` by default), chain `in` on the input hook at
/// `nftables_ipvs_priority` (-1 by default), `meta mark set ip daddr . tcp dport map @tcp_map`.
public struct KeepalivedMark: Sendable, Hashable {
    public var mark: UInt32
    public var family: IPAddress.Family
    public var table: String
    public var priority: Int
    /// The `nftables_ipvs_priority` line, else the `nftables_ipvs` one.
    public var priorityLocation: SourceLocation
    /// The `virtual_server group` it is for.
    public var location: SourceLocation

    /// Whether IPVS sees it: the input hook before IPVS's LOCAL_IN at priority 99.
    public var isBeforeIPVS: Bool { priority < 99 }
}
