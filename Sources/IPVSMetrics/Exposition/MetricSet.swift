/// The families one scrape produces.
public struct MetricSet: Sendable {
    public private(set) var families: [MetricFamily] = []

    public init() {}

    public mutating func append(_ family: MetricFamily) {
        families.append(family)
    }

    public mutating func append(contentsOf other: MetricSet) {
        families.append(contentsOf: other.families)
    }

    /// Convenience for one-sample families.
    public mutating func add(_ descriptor: MetricDescriptor, _ labels: Labels, _ value: SampleValue) {
        families.append(MetricFamily(descriptor, samples: [(labels, value)]))
    }
}
