/// Name, help, type and label names of one metric family: the metric contract, in code.
public struct MetricDescriptor: Sendable, Hashable {
    public let name: String
    public let help: String
    public let type: MetricType
    public let labelNames: [String]

    public init(_ name: String, _ type: MetricType, _ help: String, labels: [String] = []) {
        self.name = name
        self.help = help
        self.type = type
        self.labelNames = labels
    }
}
