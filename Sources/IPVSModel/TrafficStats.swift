/// Cumulative IPVS counters, since the module was loaded or last zeroed (`ipvsadm -Z`).
///
/// 64-bit everywhere: netlink's STATS64 and /proc give full values; only the legacy
/// 32-bit STATS nest truncates connections and packets.
public struct TrafficCounters: Hashable, Sendable {
    /// Connections scheduled.
    public var connections: UInt64
    /// Packets from clients to the director.
    public var incomingPackets: UInt64
    /// Packets from real servers back through the director (NAT only; 0 for DR/TUN).
    public var outgoingPackets: UInt64
    /// Bytes of incoming packets.
    public var incomingBytes: UInt64
    /// Bytes of outgoing packets.
    public var outgoingBytes: UInt64

    public init(connections: UInt64, incomingPackets: UInt64, outgoingPackets: UInt64, incomingBytes: UInt64, outgoingBytes: UInt64) {
        self.connections = connections
        self.incomingPackets = incomingPackets
        self.outgoingPackets = outgoingPackets
        self.incomingBytes = incomingBytes
        self.outgoingBytes = outgoingBytes
    }
}

/// The kernel estimator's rates: an exponentially weighted average over 2-second ticks
/// (about 8 s of memory). They stand still while `net.ipv4.vs.run_estimation` is 0.
public struct TrafficRates: Hashable, Sendable {
    /// Connections per second.
    public var connections: UInt64
    /// Incoming packets per second.
    public var incomingPackets: UInt64
    /// Outgoing packets per second.
    public var outgoingPackets: UInt64
    /// Incoming bytes per second (the kernel calls it "bps"; it is bytes).
    public var incomingBytes: UInt64
    /// Outgoing bytes per second.
    public var outgoingBytes: UInt64

    public init(connections: UInt64, incomingPackets: UInt64, outgoingPackets: UInt64, incomingBytes: UInt64, outgoingBytes: UInt64) {
        self.connections = connections
        self.incomingPackets = incomingPackets
        self.outgoingPackets = outgoingPackets
        self.incomingBytes = incomingBytes
        self.outgoingBytes = outgoingBytes
    }
}

/// Director-wide totals and rates (`/proc/net/ip_vs_stats`).
public struct GlobalStats: Hashable, Sendable {
    public var counters: TrafficCounters
    public var rates: TrafficRates

    public init(counters: TrafficCounters, rates: TrafficRates) {
        self.counters = counters
        self.rates = rates
    }
}
