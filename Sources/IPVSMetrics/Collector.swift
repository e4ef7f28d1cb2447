public import IPVSKernel
import IPVSModel

/// One group of metrics, read at scrape time.
///
/// Each collector is a value in one file (node_exporter's layout). It reads what it needs from
/// the ``ScrapeContext`` and adds samples in model order. A thrown error drops everything the
/// collector added in this scrape and reports `ipvs_scrape_collector_success{collector} 0`.
public protocol Collector: Sendable {
    /// Which one it is: its name, flag and help come from there.
    var id: CollectorID { get }
    func collect(_ context: ScrapeContext, into metrics: inout MetricSet) throws(IPVSReadError)
}

extension Collector {
    /// snake_case: the `collector` label and the `--collector.<name>` flag.
    public var name: String { id.name }
}

extension VirtualServiceID {
    /// The service labels (``MetricCatalog/serviceLabels``), unclosed, ready for more pairs.
    var labelBuilder: Labels.Builder { labelBuilder(keeping: BackendLabel.ofService) }

    /// Those of the service labels that are in `kept`, in our order, unclosed.
    func labelBuilder(keeping kept: [BackendLabel]) -> Labels.Builder {
        var builder = Labels.Builder()
        for label in BackendLabel.ofService where kept.contains(label) {
            switch (label, self) {
            case (.proto, .address(let proto, _, _)): builder.add("proto", proto.description)
            case (.proto, .firewallMark): builder.add("proto", "FWM")
            case (.localAddress, .address(_, let address, _)): builder.add("local_address", address)
            case (.localAddress, .firewallMark(_, let family)): builder.add("local_address", IPAddress.unspecified(family))
            case (.localPort, .address(_, _, let port)): builder.add("local_port", UInt64(port))
            case (.localPort, .firewallMark): builder.add("local_port", 0)
            case (.localMark, .address): builder.add("local_mark", "")
            case (.localMark, .firewallMark(let mark, _)): builder.add("local_mark", UInt64(mark))
            case (.remoteAddress, _), (.remotePort, _): break
            }
        }
        return builder
    }

    var labels: Labels { labelBuilder.labels }
}
