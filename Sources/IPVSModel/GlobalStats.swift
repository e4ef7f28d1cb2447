/// Director-wide totals and rates (`/proc/net/ip_vs_stats`).
public struct GlobalStats: Hashable, Sendable {
    public var counters: TrafficCounters
    public var rates: TrafficRates

    public init(counters: TrafficCounters, rates: TrafficRates) {
        self.counters = counters
        self.rates = rates
    }
}
