/// Per-CPU IPVS counters (`/proc/net/ip_vs_stats_percpu`).
public struct PerCPUStats: Hashable, Sendable {
    /// One entry per possible CPU, keyed by CPU number.
    public var perCPU: [Int: TrafficCounters]
    /// The `~` row: the estimator's summed totals (updated every 2 s, unlike the live rows).
    public var total: TrafficCounters
    public var rates: TrafficRates

    public init(perCPU: [Int: TrafficCounters], total: TrafficCounters, rates: TrafficRates) {
        self.perCPU = perCPU
        self.total = total
        self.rates = rates
    }
}
