import Glibc
public import IPVSKernel
public import IPVSModel

/// The result of one scrape: the metrics, and why collectors failed (for the log).
public struct ScrapeOutcome: Sendable {
    public var metrics: MetricSet
    /// Collector name → error, for collectors that failed in this scrape. `ipvs_up` failures
    /// are listed under "ipvs_up".
    public var failures: [String: IPVSReadError]
    public var source: IPVSSource
}
