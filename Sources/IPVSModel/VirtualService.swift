/// What identifies a virtual service to the kernel: protocol, address and port, or a
/// firewall mark (with the address family given to `ipvsadm -f MARK [-6]`).
public enum VirtualServiceID: Hashable, Sendable, Comparable, CustomStringConvertible {
    case address(TransportProtocol, IPAddress, port: UInt16)
    case firewallMark(UInt32, family: IPAddress.Family)

    public var family: IPAddress.Family {
        switch self {
        case .address(_, let address, _): address.family
        case .firewallMark(_, let family): family
        }
    }

    /// The `proto` metric label: `TCP`, `UDP`, `SCTP`, or `FWM` for firewall-mark services.
    public var protocolLabel: String {
        switch self {
        case .address(let proto, _, _): proto.description
        case .firewallMark: "FWM"
        }
    }

    /// `local_address`: the VIP, or the family's wildcard for firewall-mark services so that
    /// an IPv4 and an IPv6 service on the same mark stay two distinct series.
    public var localAddress: IPAddress {
        switch self {
        case .address(_, let address, _): address
        case .firewallMark(_, let family): .unspecified(family)
        }
    }

    public var port: UInt16 {
        if case .address(_, _, let port) = self { return port }
        return 0
    }

    public var firewallMark: UInt32? {
        if case .firewallMark(let mark, _) = self { return mark }
        return nil
    }

    /// ipvsadm's spelling: `TCP 10.0.0.1:80`, `TCP [2001:db8::1]:80`, `FWM 6`, `FWM 7 IPv6`.
    public var description: String {
        switch self {
        case .address(let proto, let address, let port):
            return "\(proto) \(SocketAddressText.format(address, port))"
        case .firewallMark(let mark, let family):
            return family == .ipv6 ? "FWM \(mark) IPv6" : "FWM \(mark)"
        }
    }

    /// Firewall-mark services sort after address services, as in /proc/net/ip_vs.
    public static func < (lhs: VirtualServiceID, rhs: VirtualServiceID) -> Bool {
        switch (lhs, rhs) {
        case let (.address(p1, a1, port1), .address(p2, a2, port2)):
            return (a1, p1.number, port1) < (a2, p2.number, port2)
        case (.address, .firewallMark): return true
        case (.firewallMark, .address): return false
        case let (.firewallMark(m1, f1), .firewallMark(m2, f2)):
            return (m1, f1.rawValue) < (m2, f2.rawValue)
        }
    }
}

/// `address:port` as ipvsadm prints it: IPv6 in brackets.
public enum SocketAddressText {
    public static func format(_ address: IPAddress, _ port: UInt16) -> String {
        address.family == .ipv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}

/// Service flags as the kernel reports them over netlink (`IP_VS_SVC_F_*`), HASHED removed.
public struct ServiceFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let persistent = ServiceFlags(rawValue: 0x0001)
    /// Internal to the kernel (the service is in its hash table); never meaningful to users.
    public static let hashed = ServiceFlags(rawValue: 0x0002)
    public static let onePacket = ServiceFlags(rawValue: 0x0004)
    public static let scheduler1 = ServiceFlags(rawValue: 0x0008)
    public static let scheduler2 = ServiceFlags(rawValue: 0x0010)
    public static let scheduler3 = ServiceFlags(rawValue: 0x0020)

    /// Names as ipvsadm uses them, comma-joined in a fixed order: `persistent`, `ops`, then
    /// the scheduler flags (`sh-fallback`/`sh-port` for sh, `mh-…` for mh, `flag-N` otherwise).
    public func names(scheduler: Scheduler) -> [String] {
        var out: [String] = []
        if contains(.persistent) { out.append("persistent") }
        if contains(.onePacket) { out.append("ops") }
        if contains(.scheduler1) { out.append(scheduler.flagName(1)) }
        if contains(.scheduler2) { out.append(scheduler.flagName(2)) }
        if contains(.scheduler3) { out.append(scheduler.flagName(3)) }
        return out
    }
}

/// A persistence netmask: the client address is masked with it to find the template.
public enum PersistenceNetmask: Hashable, Sendable, CustomStringConvertible {
    /// An IPv4 mask, host order (`0xFFFFFF00` for /24).
    case ipv4(UInt32)
    /// An IPv6 prefix length, 1…128.
    case ipv6(prefixLength: UInt8)

    /// ipvsadm's spelling: dotted mask for IPv4, prefix length for IPv6.
    public var description: String {
        switch self {
        case .ipv4(let mask): IPAddress(ipv4: mask).description
        case .ipv6(let length): String(length)
        }
    }

    public static func defaultMask(for family: IPAddress.Family) -> PersistenceNetmask {
        family == .ipv4 ? .ipv4(0xFFFF_FFFF) : .ipv6(prefixLength: 128)
    }
}

/// How long a client sticks to its real server.
public struct Persistence: Hashable, Sendable {
    /// Seconds, when known. /proc prints jiffies; without a certain HZ this is nil.
    public var timeoutSeconds: UInt32?
    /// The raw /proc value (seconds × HZ), kept so that nothing is lost when HZ is unknown.
    public var timeoutJiffies: UInt64?
    public var netmask: PersistenceNetmask

    public init(timeoutSeconds: UInt32?, timeoutJiffies: UInt64? = nil, netmask: PersistenceNetmask) {
        self.timeoutSeconds = timeoutSeconds
        self.timeoutJiffies = timeoutJiffies
        self.netmask = netmask
    }
}

/// One IPVS virtual service and its real servers, as one source saw it.
///
/// Optional fields are the ones a source may not give: /proc has no per-service traffic
/// counters, no scheduler flags, no persistence engine. Collectors leave such metrics out
/// rather than print zeros.
public struct VirtualService: Hashable, Sendable {
    public var id: VirtualServiceID
    /// Scheduler name (`rr`, `wlc`, …), or `none`.
    public var scheduler: Scheduler
    /// Netlink only. nil from /proc, which shows just `persistent` and (IPv4) `ops`.
    public var flags: ServiceFlags?
    /// Whether the service is one-packet scheduling; /proc prints it for IPv4 and FWM only.
    public var onePacket: Bool?
    /// nil when the service is not persistent.
    public var persistence: Persistence?
    /// Persistence engine (`sip`); netlink only, nil when none or unknown.
    public var persistenceEngine: String?
    /// Netlink only.
    public var counters: TrafficCounters?
    /// Netlink only: the kernel estimator's rates.
    public var rates: TrafficRates?
    public var realServers: [RealServer]

    public init(
        id: VirtualServiceID, scheduler: Scheduler, flags: ServiceFlags? = nil, onePacket: Bool? = nil,
        persistence: Persistence? = nil, persistenceEngine: String? = nil, counters: TrafficCounters? = nil,
        rates: TrafficRates? = nil, realServers: [RealServer] = []
    ) {
        self.id = id
        self.scheduler = scheduler
        self.flags = flags
        self.onePacket = onePacket
        self.persistence = persistence
        self.persistenceEngine = persistenceEngine
        self.counters = counters
        self.rates = rates
        self.realServers = realServers
    }
}
