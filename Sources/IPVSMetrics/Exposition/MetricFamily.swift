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
    public init(_ descriptor: MetricDescriptor, count: Int, _ write: @escaping @Sendable (Range<Int>, inout SampleWriter) -> Void) {
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

/// Appends sample lines (`name{labels} value\n`) to an output buffer.
public struct SampleWriter {
    var output: [UInt8]
    var name: [UInt8]
    let pairs = ExpositionEncoder.digitPairs

    init(output: [UInt8], name: [UInt8]) {
        self.output = output
        self.name = name
    }

    /// `name{labels} value`.
    @inline(__always)
    public mutating func sample(_ labels: Labels, _ value: SampleValue) {
        output.append(contentsOf: name)
        output.append(contentsOf: labels.rendered)
        output.append(UInt8(ascii: " "))
        if case .unsigned(let number) = value {
            ExpositionEncoder.appendDecimal(number, to: &output, pairs: pairs)
        } else {
            ExpositionEncoder.appendValue(value, to: &output)
        }
        output.append(UInt8(ascii: "\n"))
    }

    /// `name{labels,n1="v1",n2="v2"} value`: info metrics with two extra labels, without an
    /// array per sample.
    public mutating func sample(_ labels: Labels, _ name1: String, _ value1: String, _ name2: String, _ value2: String, _ value: SampleValue) {
        output.append(contentsOf: name)
        if labels.rendered.isEmpty {
            output.append(UInt8(ascii: "{"))
        } else {
            output.append(contentsOf: labels.rendered.dropLast())
            output.append(UInt8(ascii: ","))
        }
        appendPair(name1, value1)
        output.append(UInt8(ascii: ","))
        appendPair(name2, value2)
        output.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: " ")])
        ExpositionEncoder.appendValue(value, to: &output)
        output.append(UInt8(ascii: "\n"))
    }

    private mutating func appendPair(_ labelName: String, _ labelValue: String) {
        output.append(contentsOf: labelName.utf8)
        output.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\"")])
        Labels.appendEscapedLabelValue(labelValue, to: &output)
        output.append(UInt8(ascii: "\""))
    }

    /// `name{labels,extra="…"} value`, without building a new label set per sample.
    public mutating func sample(_ labels: Labels, extra names: [String], _ values: [String], _ value: SampleValue) {
        output.append(contentsOf: name)
        if labels.rendered.isEmpty {
            output.append(UInt8(ascii: "{"))
        } else {
            output.append(contentsOf: labels.rendered.dropLast())
            output.append(UInt8(ascii: ","))
        }
        for (index, (labelName, labelValue)) in zip(names, values).enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(contentsOf: labelName.utf8)
            output.append(contentsOf: [UInt8(ascii: "="), UInt8(ascii: "\"")])
            Labels.appendEscapedLabelValue(labelValue, to: &output)
            output.append(UInt8(ascii: "\""))
        }
        output.append(UInt8(ascii: "}"))
        output.append(UInt8(ascii: " "))
        ExpositionEncoder.appendValue(value, to: &output)
        output.append(UInt8(ascii: "\n"))
    }
}

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
