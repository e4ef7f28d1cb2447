/// How the director hands packets to a real server (`ipvsadm -m/-g/-i`).
public enum ForwardingMethod: UInt32, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    /// `-m`, NAT.
    case masquerading = 0
    /// Local node; ipvsadm has no switch for it and saves it as `-g`.
    case local = 1
    /// `-i`, IP-in-IP / GUE / GRE.
    case tunneling = 2
    /// `-g`, direct routing (the default).
    case directRouting = 3
    /// A connection-only flag; never a real server's method, listed for completeness.
    case bypass = 4

    /// The `forwarding_method` label value.
    public var label: String {
        switch self {
        case .masquerading: "masq"
        case .local: "local"
        case .tunneling: "tunnel"
        case .directRouting: "route"
        case .bypass: "bypass"
        }
    }

    /// The kernel's /proc and ipvsadm spelling: `Masq`, `Local`, `Tunnel`, `Route`.
    public var description: String {
        switch self {
        case .masquerading, .bypass: "Masq"
        case .local: "Local"
        case .tunneling: "Tunnel"
        case .directRouting: "Route"
        }
    }
}

/// Tunnel encapsulation of a `-i` real server (kernel 5.2+; older kernels only do IPIP).
public struct TunnelSettings: Hashable, Sendable {
    public enum Kind: UInt8, Hashable, Sendable {
        case ipip = 0
        case gue = 1
        case gre = 2

        public var label: String {
            switch self {
            case .ipip: "ipip"
            case .gue: "gue"
            case .gre: "gre"
            }
        }
    }

    public enum Checksum: UInt16, Hashable, Sendable {
        case none = 0
        case checksum = 1
        case remoteChecksum = 2
    }

    public var kind: Kind
    /// GUE's UDP port; 0 otherwise.
    public var port: UInt16
    public var checksum: Checksum

    public init(kind: Kind, port: UInt16 = 0, checksum: Checksum = .none) {
        self.kind = kind
        self.port = port
        self.checksum = checksum
    }
}

/// One real server (a "destination" to the kernel) of a virtual service.
public struct RealServer: Hashable, Sendable {
    public var address: IPAddress
    public var port: UInt16
    public var forwarding: ForwardingMethod
    /// 0 means quiesced: no new connections are scheduled to it.
    public var weight: UInt32
    /// Connections in an active state (TCP ESTABLISHED, SYN_*…); persistence templates excluded.
    public var activeConnections: Int64
    /// All other connections; persistence templates excluded.
    public var inactiveConnections: Int64
    /// Persistence templates pointing at this server. Netlink only.
    public var persistentConnections: Int64?
    /// `-x`; 0 means no limit. Netlink only.
    public var upperThreshold: UInt32?
    /// `-y`; 0 means none. Netlink only.
    public var lowerThreshold: UInt32?
    /// Tunnel settings of a `-i` server; netlink only.
    public var tunnel: TunnelSettings?
    /// Netlink only.
    public var counters: TrafficCounters?
    /// Netlink only.
    public var rates: TrafficRates?

    public init(
        address: IPAddress, port: UInt16, forwarding: ForwardingMethod, weight: UInt32,
        activeConnections: Int64, inactiveConnections: Int64, persistentConnections: Int64? = nil,
        upperThreshold: UInt32? = nil, lowerThreshold: UInt32? = nil, tunnel: TunnelSettings? = nil,
        counters: TrafficCounters? = nil, rates: TrafficRates? = nil
    ) {
        self.address = address
        self.port = port
        self.forwarding = forwarding
        self.weight = weight
        self.activeConnections = activeConnections
        self.inactiveConnections = inactiveConnections
        self.persistentConnections = persistentConnections
        self.upperThreshold = upperThreshold
        self.lowerThreshold = lowerThreshold
        self.tunnel = tunnel
        self.counters = counters
        self.rates = rates
    }
}
