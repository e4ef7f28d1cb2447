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
