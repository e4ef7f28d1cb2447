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
