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
    var labelBuilder: Labels.Builder {
        var builder = Labels.Builder()
        switch self {
        case .address(let proto, let address, let port):
            builder.add("proto", proto.description)
            builder.add("local_address", address)
            builder.add("local_port", UInt64(port))
            builder.add("local_mark", "")
        case .firewallMark(let mark, let family):
            builder.add("proto", "FWM")
            builder.add("local_address", IPAddress.unspecified(family))
            builder.add("local_port", 0)
            builder.add("local_mark", UInt64(mark))
        }
        return builder
    }

    var labels: Labels { labelBuilder.labels }

}

extension Labels.Builder {
    /// A real server's labels: these (its service's, from ``VirtualServiceID/labelBuilder``,
    /// built once per service) and its address and port.
    func backend(address: IPAddress, port: UInt16) -> Labels {
        var builder = self
        builder.add("remote_address", address)
        builder.add("remote_port", UInt64(port))
        return builder.labels
    }
}
