public import IPVSKernel
import IPVSModel

/// The kernel estimator's rates (`*_per_second`) of the director, the services and the real
/// servers, apart from their counters, so that `--no-collector.rates` drops a fifth of a big
/// director's series while `rate()` over the counters still works.
///
/// It serves the rates of what the stats, services and backends collectors serve: turning
/// one of those off leaves out its rates too, and the real servers' rates are summed over the
/// same rows as their counters (`--collector.backends.labels`).
public struct RatesCollector: Collector {
    /// Whose rates: a rate without its object's other series would be an orphan.
    public enum Scope: Sendable, Hashable, CaseIterable {
        case director
        case services
        case backends

        /// The collector that serves the scope's other series.
        public var collector: CollectorID {
            switch self {
            case .director: .stats
            case .services: .services
            case .backends: .backends
            }
        }
    }

    public let scopes: Set<Scope>
    public let grouping: BackendGrouping

    public init(scopes: Set<Scope> = Set(Scope.allCases), grouping: BackendGrouping = .none) {
        self.scopes = scopes
        self.grouping = grouping
    }

    public var id: CollectorID { .rates }

    public func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError) {
        if scopes.contains(.director) {
            let stats: GlobalStats
            do throws(ProcFSError) { stats = try context.globalStats() } catch { throw IPVSReadError.from(error) }
            TrafficFamilies.append(
                TrafficFamilies.directorRates, labels: LabelTable([.none]), rows: [(0, stats.rates)], to: &metrics)
        }
        guard scopes.contains(.services) || scopes.contains(.backends) else { return }
        let services = try context.serviceTable().services
        if scopes.contains(.services) {
            TrafficFamilies.append(
                TrafficFamilies.serviceRates, labels: try context.serviceLabels(),
                rows: services.indices.compactMap { i in services[i].rates.map { (i, $0) } }, to: &metrics)
        }
        if scopes.contains(.backends) {
            let rows = try context.backendRows(grouping)
            var sums: [TrafficRates?] = Array(repeating: nil, count: rows.count)
            var server = 0
            for service in services {
                for real in service.realServers {
                    let row = rows.row(server)
                    server += 1
                    guard let rates = real.rates else { continue }
                    if sums[row] == nil { sums[row] = rates } else { sums[row]!.add(rates) }
                }
            }
            TrafficFamilies.append(
                TrafficFamilies.backendRates, labels: rows.labels,
                rows: sums.indices.compactMap { i in sums[i].map { (i, $0) } }, to: &metrics)
        }
    }
}
