/// The Prometheus type of a metric family.
public enum MetricType: String, Sendable, Hashable {
    case counter
    case gauge
}
