/// One metric family and its samples, in the order they were added.
public struct MetricFamily: Sendable {
    public let descriptor: MetricDescriptor
    public internal(set) var samples: [Sample]

    public struct Sample: Sendable {
        public var labels: Labels
        public var value: SampleValue
    }
}

/// The families one scrape produces.
///
/// Collectors add samples in the order of the model (services sorted by identity, real servers
/// by address and port), so the encoder never sorts samples; it sorts families by name. The
/// same input therefore always gives the same bytes.
public struct MetricSet: Sendable {
    public private(set) var families: [MetricFamily] = []
    private var index: [String: Int] = [:]

    public init() {}

    /// A handle to the family for `descriptor`, created on first use.
    public mutating func family(_ descriptor: MetricDescriptor) -> FamilyHandle {
        if let existing = index[descriptor.name] {
            precondition(families[existing].descriptor == descriptor, "two descriptors named \(descriptor.name)")
            return FamilyHandle(index: existing)
        }
        families.append(MetricFamily(descriptor: descriptor, samples: []))
        index[descriptor.name] = families.count - 1
        return FamilyHandle(index: families.count - 1)
    }

    public mutating func add(_ handle: FamilyHandle, _ labels: Labels, _ value: SampleValue) {
        assert(labels.names == families[handle.index].descriptor.labelNames, "labels do not match the descriptor")
        families[handle.index].samples.append(MetricFamily.Sample(labels: labels, value: value))
    }

    public mutating func add(_ descriptor: MetricDescriptor, _ labels: Labels, _ value: SampleValue) {
        add(family(descriptor), labels, value)
    }

    /// Moves every family of `other` into this set (collectors fill their own set, which is
    /// kept only if the collector succeeds).
    public mutating func merge(_ other: MetricSet) {
        for family in other.families {
            let handle = self.family(family.descriptor)
            families[handle.index].samples.append(contentsOf: family.samples)
        }
    }

    public struct FamilyHandle: Sendable {
        let index: Int
    }
}
