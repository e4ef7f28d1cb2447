import Glibc
public import IPVSKernel
public import IPVSModel

/// Runs the enabled collectors once and adds the exporter's own metrics.
///
/// Synchronous and blocking (it reads /proc and netlink); the HTTP layer runs it off the
/// event loop. No state survives between scrapes: a service that disappears from the kernel
/// disappears from the next scrape.
public struct Scraper: Sendable {
    public let collectors: [any Collector]
    public let procfs: ProcFS
    public let reader: any IPVSStateReader
    public let exporterMetrics: Bool
    /// `--netns`: every read of a scrape happens inside this network namespace.
    public let namespace: NetworkNamespace?
    public let buildInfo: BuildInfo
    /// Services no collector sees (`--collector.services.include`/`exclude`).
    public let serviceFilter: ServiceFilter?
    /// Monotonic time in nanoseconds; replaceable so that golden tests see fixed durations.
    public let monotonicNanoseconds: @Sendable () -> UInt64

    public init(
        collectors: [any Collector], procfs: ProcFS, reader: any IPVSStateReader, exporterMetrics: Bool = true,
        buildInfo: BuildInfo = .current, namespace: NetworkNamespace? = nil, serviceFilter: ServiceFilter? = nil,
        monotonicNanoseconds: @escaping @Sendable () -> UInt64 = Scraper.monotonicNow
    ) {
        self.namespace = namespace
        self.collectors = collectors.sorted { $0.name < $1.name }
        self.procfs = procfs
        self.reader = reader
        self.exporterMetrics = exporterMetrics
        self.buildInfo = buildInfo
        self.serviceFilter = serviceFilter
        self.monotonicNanoseconds = monotonicNanoseconds
    }

    /// Every collector that runs by default, in name order.
    public static let allCollectors: [any Collector] = CollectorID.allCases.filter(\.enabledByDefault).map { $0.collector() }

    public func scrape() -> ScrapeOutcome {
        guard let namespace else { return scrapeHere() }
        do throws(NetworkNamespace.Error) {
            return try namespace.run { () -> ScrapeOutcome in scrapeHere() }.get()
        } catch {
            var metrics = MetricSet()
            metrics.add(MetricCatalog.up, .none, .unsigned(0))
            addExporterMetrics(to: &metrics, source: nil)
            return ScrapeOutcome(metrics: metrics, failures: ["ipvs_up": .unavailable(error.description)], source: reader.source)
        }
    }

    /// Reads the service table once, in the namespace if any (the start-up check).
    public func readServiceTable() -> Result<ServiceTable, IPVSReadError> {
        let read = { () -> Result<ServiceTable, IPVSReadError> in
            do throws(IPVSReadError) { return .success(try reader.serviceTable()) } catch { return .failure(error) }
        }
        guard let namespace else { return read() }
        do throws(NetworkNamespace.Error) {
            return try namespace.run { () -> Result<ServiceTable, IPVSReadError> in read() }.get()
        } catch {
            return .failure(.unavailable(error.description))
        }
    }

    private func scrapeHere() -> ScrapeOutcome {
        let context = ScrapeContext(reader: reader, procfs: procfs, serviceFilter: serviceFilter)
        var metrics = MetricSet()
        var failures: [String: IPVSReadError] = [:]
        var durations: [(Labels, SampleValue)] = []
        var successes: [(Labels, SampleValue)] = []
        for collector in collectors {
            let start = monotonicNanoseconds()
            var own = MetricSet()
            var succeeded = true
            do throws(IPVSReadError) {
                try collector.collect(context, into: &own)
                metrics.append(contentsOf: own)
            } catch {
                succeeded = false
                failures[collector.name] = error
                // A read skipped on purpose keeps what the collector said about why.
                if case .skipped = error { metrics.append(contentsOf: own) }
            }
            let elapsed = monotonicNanoseconds() &- start
            let labels = Labels(["collector"], [collector.name])
            durations.append((labels, .double(Double(elapsed) / 1e9)))
            successes.append((labels, .unsigned(succeeded ? 1 : 0)))
        }
        var up: UInt64 = 1
        var source = reader.source
        do throws(IPVSReadError) {
            source = try context.serviceTable().source
        } catch {
            up = 0
            failures["ipvs_up"] = error
            // Without IPVS at all no collector read anything, even one whose source "cannot
            // give" its part (timeouts, daemons from /proc) and so raised no error of its own.
            if case .unavailable = error { successes = successes.map { ($0.0, .unsigned(0)) } }
        }
        metrics.append(MetricFamily(MetricCatalog.collectorDuration, samples: durations))
        metrics.append(MetricFamily(MetricCatalog.collectorSuccess, samples: successes))
        metrics.add(MetricCatalog.up, .none, .unsigned(up))
        addExporterMetrics(to: &metrics, source: up == 1 ? source : nil)
        return ScrapeOutcome(metrics: metrics, failures: failures, source: source)
    }

    /// `source` nil when IPVS was not read: no source to name, so no `ipvs_exporter_source_info`.
    private func addExporterMetrics(to metrics: inout MetricSet, source: IPVSSource?) {
        if let source { metrics.add(MetricCatalog.sourceInfo, Labels(["source"], [source.rawValue]), .unsigned(1)) }
        metrics.add(
            MetricCatalog.buildInfo,
            Labels(
                MetricCatalog.buildInfo.labelNames,
                [
                    buildInfo.version, buildInfo.revision, buildInfo.branch, buildInfo.swiftVersion, "linux",
                    BuildInfo.architecture,
                ]),
            .unsigned(1))
        if exporterMetrics, let process = ProcessStats.current() {
            process.add(to: &metrics)
        }
    }

    /// CLOCK_MONOTONIC in nanoseconds.
    public static let monotonicNow: @Sendable () -> UInt64 = {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
