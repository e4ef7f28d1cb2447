/// The Prometheus type of a metric family.
public enum MetricType: String, Sendable, Hashable {
    case counter
    case gauge
}

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

/// A sample value. Counters stay integers all the way to the text, so byte counters above
/// 2^53 are printed exactly instead of being rounded through a Double.
public enum SampleValue: Sendable, Hashable {
    case unsigned(UInt64)
    case signed(Int64)
    case double(Double)
}
