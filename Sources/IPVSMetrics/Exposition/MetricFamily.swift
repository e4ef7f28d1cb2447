/// One metric family whose samples are written when the response is, not before.
///
/// A 10,000-backend scrape has ~200,000 samples; holding them (or their text) all at once
/// would make the exporter's memory grow with the exposition. A family instead knows how many
/// samples it has and writes sample `i` on demand from data the collector prepared, so the
/// encoder can stream the response in small chunks.
public struct MetricFamily: Sendable {
    public let descriptor: MetricDescriptor
    public let count: Int
    let write: @Sendable (Range<Int>, inout SampleWriter) -> Void

    /// A family of `count` samples; `write(range, &writer)` writes the samples of `range`, one
    /// ``SampleWriter/sample(_:_:)`` call each. Taking a range rather than one index keeps the
    /// per-sample cost to the loop body (captured arrays are retained once per range).
    public init(_ descriptor: MetricDescriptor, count: Int, _ write: @escaping @Sendable (Range<Int>, inout SampleWriter) -> Void)
    {
        self.descriptor = descriptor
        self.count = count
        self.write = write
    }

    /// A family from samples already in hand (small families: exporter self-metrics).
    public init(_ descriptor: MetricDescriptor, samples: [(Labels, SampleValue)]) {
        let labels = samples.map(\.0)
        let values = samples.map(\.1)
        self.init(descriptor, count: values.count) { range, writer in
            for index in range { writer.sample(labels[index], values[index]) }
        }
    }

    /// One sample without labels.
    public init(_ descriptor: MetricDescriptor, value: SampleValue) {
        self.init(descriptor, samples: [(.none, value)])
    }
}
