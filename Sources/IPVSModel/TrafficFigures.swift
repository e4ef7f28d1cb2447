/// The five traffic figures IPVS keeps per service, per real server and for the director, either
/// as cumulative counters or as the estimator's per-second rates; `Kind` says which, so that a
/// rate is never added where a counter belongs.
public struct TrafficFigures<Kind: TrafficFigureKind>: Hashable, Sendable {
    /// Connections scheduled.
    public var connections: UInt64
    /// Packets from clients to the director.
    public var incomingPackets: UInt64
    /// Packets from real servers back through the director: every NAT reply, DR and TUN ones
    /// only when routed back through it.
    public var outgoingPackets: UInt64
    /// Bytes of incoming packets (the kernel's rate is called "bps"; it is bytes).
    public var incomingBytes: UInt64
    /// Bytes of outgoing packets.
    public var outgoingBytes: UInt64

    public init(
        connections: UInt64, incomingPackets: UInt64, outgoingPackets: UInt64, incomingBytes: UInt64, outgoingBytes: UInt64
    ) {
        self.connections = connections
        self.incomingPackets = incomingPackets
        self.outgoingPackets = outgoingPackets
        self.incomingBytes = incomingBytes
        self.outgoingBytes = outgoingBytes
    }
}

/// What a ``TrafficFigures`` holds.
public protocol TrafficFigureKind {}

/// Since the module was loaded or last zeroed (`ipvsadm -Z`). 64-bit everywhere: netlink's
/// STATS64 and /proc give full values; only the legacy 32-bit STATS nest truncates connections
/// and packets.
public enum Cumulative: TrafficFigureKind {}

/// The kernel estimator's rates: an exponentially weighted average over 2-second ticks (about
/// 8 s of memory). They stand still while `net.ipv4.vs.run_estimation` is 0.
public enum PerSecond: TrafficFigureKind {}

/// Cumulative IPVS counters.
public typealias TrafficCounters = TrafficFigures<Cumulative>
/// Per-second IPVS rates.
public typealias TrafficRates = TrafficFigures<PerSecond>
