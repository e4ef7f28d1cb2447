/// Many label sets rendered into one buffer, row after row.
///
/// The real servers' label sets appear in a dozen families each; as `[Labels]`, writing one
/// sample retained and released its array, which was a tenth of a 10,000-server scrape.
/// Here a row is a range of one buffer, written with ``SampleWriter/samples(_:_:rows:unsigned:)``
/// without touching a reference count.
public struct LabelTable: Sendable {
    /// Every row's `{…}` text, one after another.
    public private(set) var bytes: [UInt8] = []
    /// Where each row ends in `bytes`; a row starts where the one before it ends.
    public private(set) var ends: [Int] = []

    public init() {}

    public init(_ sets: [Labels]) {
        ends.reserveCapacity(sets.count)
        for set in sets { append(set) }
    }

    public var count: Int { ends.count }

    public mutating func append(_ labels: Labels) {
        bytes.append(contentsOf: labels.rendered)
        ends.append(bytes.count)
    }

    /// The bytes of row `row`.
    @inline(__always) func range(_ row: Int) -> Range<Int> { (row == 0 ? 0 : ends[row - 1])..<ends[row] }

    /// Row `row` as a label set of its own (a copy: for the few families that add labels).
    public subscript(row: Int) -> Labels { Labels(rendered: Array(bytes[range(row)])) }
}

extension SampleWriter {
    /// `name{labels} value` for samples `range`: sample `k` has the labels of table row
    /// `rows[k]` (row `k` when `rows` is nil) and the value `values[k]`.
    public mutating func samples(_ table: LabelTable, _ range: Range<Int>, rows: [Int]? = nil, unsigned values: [UInt64]) {
        let pairs = self.pairs
        eachRow(table, range, rows) { k, output in ExpositionEncoder.appendDecimal(values[k], to: &output, pairs: pairs) }
    }

    /// The same for signed values (connection counts are the kernel's `int`).
    public mutating func samples(_ table: LabelTable, _ range: Range<Int>, rows: [Int]? = nil, signed values: [Int64]) {
        let pairs = self.pairs
        eachRow(table, range, rows) { k, output in
            let value = values[k]
            if value < 0 { output.append(UInt8(ascii: "-")) }
            ExpositionEncoder.appendDecimal(value.magnitude, to: &output, pairs: pairs)
        }
    }

    /// The loop both share: `name{labels} ` copied from the buffers without reference
    /// counting, then `value(k, &output)`, then the line's end.
    @inline(__always)
    private mutating func eachRow(
        _ table: LabelTable, _ range: Range<Int>, _ rows: [Int]?, value: (Int, inout [UInt8]) -> Void
    ) {
        let name = self.name
        name.withUnsafeBufferPointer { name in
            table.bytes.withUnsafeBufferPointer { labels in
                for k in range {
                    output.append(contentsOf: name)
                    output.append(contentsOf: UnsafeBufferPointer(rebasing: labels[table.range(rows?[k] ?? k)]))
                    output.append(UInt8(ascii: " "))
                    value(k, &output)
                    output.append(UInt8(ascii: "\n"))
                }
            }
        }
    }

    /// `name{labels,n1="v1",n2="v2"} value` with the labels of table row `row`: info
    /// families with two labels of their own.
    public mutating func sample(
        _ table: LabelTable, row: Int, _ name1: String, _ value1: String, _ name2: String, _ value2: String,
        _ value: SampleValue
    ) {
        let name = self.name
        let range = table.range(row)
        output.append(contentsOf: name)
        table.bytes.withUnsafeBufferPointer { labels in
            if range.isEmpty {
                output.append(UInt8(ascii: "{"))
            } else {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: labels[range.lowerBound..<(range.upperBound - 1)]))
                output.append(UInt8(ascii: ","))
            }
        }
        appendTwoPairs(name1, value1, name2, value2, value)
    }
}
