public import IPVSKernel
import IPVSModel

/// The IPVS sysctls that change how traffic is handled (`expire_nodest_conn`, `conntrack`,
/// `sloppy_tcp`, `conn_reuse_mode`, …), read from /proc/sys/net/ipv4/vs at scrape time, so
/// a dashboard or alert can see a director that differs from its peers.
///
/// Every sysctl whose value is one integer is served; `sync_threshold` holds two (threshold
/// and period), served as `sync_threshold` and `sync_period`, the kernel documentation's
/// names. Text-valued ones (`est_cpulist`) have no number to serve.
public struct SysctlsCollector: Collector {
    public init() {}
    public var id: CollectorID { .sysctls }

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        let sysctls: IPVSSysctls
        do throws(ProcFSError) { sysctls = try context.procfs.sysctls() } catch { throw IPVSReadError.from(error) }
        var values: [(String, Int64)] = []
        for name in sysctls.values.keys.sorted() {
            if let value = sysctls.integer(name) {
                values.append((name, value))
            } else if name == "sync_threshold", let pair = sysctls.syncThreshold {
                values.append(("sync_threshold", pair.threshold))
                values.append(("sync_period", pair.period))
            }
        }
        let samples = values.sorted { $0.0 < $1.0 }.map { (Labels(["name"], [$0.0]), SampleValue.signed($0.1)) }
        metrics.append(MetricFamily(MetricCatalog.sysctl, samples: samples))
    }
}
