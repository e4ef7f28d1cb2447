/// The labels that name a real server: its service's four and its own two.
///
/// One vocabulary for every flag that chooses among them: node_exporter's
/// `--collector.ipvs.backend-labels` (the compatibility families) and our
/// `--collector.backends.labels` (the real-server families), which accept the same names.
/// `allCases` is node_exporter's order; ``inExporterOrder`` is the order of our label sets.
public enum BackendLabel: String, CaseIterable, Sendable, Hashable {
    case localAddress = "local_address"
    case localPort = "local_port"
    case remoteAddress = "remote_address"
    case remotePort = "remote_port"
    case proto
    case localMark = "local_mark"

    /// A virtual service's labels, in the order every family of ours writes them.
    public static let ofService: [BackendLabel] = [.proto, .localAddress, .localPort, .localMark]
    /// A real server's labels, in the order every family of ours writes them.
    public static let inExporterOrder: [BackendLabel] = ofService + [.remoteAddress, .remotePort]

    /// node_exporter's reading of the flag: split at commas without trimming, empty items
    /// dropped, repeats collapsed, the canonical order whatever order was given; no labels at
    /// all sums every real server into one series per family.
    public static func parse(_ value: String) throws(UnknownNames) -> [BackendLabel] {
        let given = Set(value.split(separator: ",", omittingEmptySubsequences: true).map(String.init))
        let unknown = given.filter { BackendLabel(rawValue: $0) == nil }
        guard unknown.isEmpty else { throw UnknownNames(names: unknown.sorted()) }
        return allCases.filter { given.contains($0.rawValue) }
    }

    /// Names neither flag knows; node_exporter refuses to start on them, and so do we.
    public struct UnknownNames: Error, CustomStringConvertible, Equatable {
        public let names: [String]

        public init(names: [String]) {
            self.names = names
        }

        /// node_exporter's words, with the labels it accepts.
        public var description: String {
            "unknown IPVS backend labels: \"\(names.joined(separator: ", "))\" (known: "
                + BackendLabel.allCases.map(\.rawValue).joined(separator: ",") + ")"
        }
    }
}
