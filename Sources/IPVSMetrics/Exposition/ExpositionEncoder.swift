/// The exposition formats the exporter can write.
public enum ExpositionFormat: Sendable, Hashable {
    /// Prometheus text format 0.0.4.
    case prometheusText
    /// OpenMetrics 1.0.0 text.
    case openMetrics

    public var contentType: String {
        switch self {
        case .prometheusText: "text/plain; version=0.0.4; charset=utf-8"
        case .openMetrics: "application/openmetrics-text; version=1.0.0; charset=utf-8"
        }
    }
}

/// Writes a scrape's families as exposition text, a chunk at a time.
///
/// Families come out sorted by name, each once with HELP and TYPE, even when several
/// collectors contributed to it; samples keep the order they were added in (collectors add them
/// in model order). In OpenMetrics a counter family is named without its `_total` suffix, which
/// its samples keep, and the text ends with `# EOF`.
public struct ExpositionStream: Sendable {
    private let groups: [[MetricFamily]]
    private let format: ExpositionFormat
    private let headers: [[UInt8]]
    private var groupIndex = 0
    private var familyIndex = 0
    private var sampleIndex = 0
    private var headerWritten = false
    private var finished = false

    public init(_ set: MetricSet, format: ExpositionFormat) {
        self.format = format
        var byName: [String: [MetricFamily]] = [:]
        for family in set.families where family.count > 0 {
            byName[family.descriptor.name, default: []].append(family)
        }
        let names = byName.keys.sorted()
        groups = names.map { byName[$0]! }
        let otherNames = Set(groups.filter { $0[0].descriptor.type != .counter }.map { $0[0].descriptor.name })
        headers = groups.map { ExpositionEncoder.header($0[0].descriptor, format: format, otherNames: otherNames) }
    }

    /// The next piece of text of about `size` bytes (one sample line can overshoot), or nil
    /// when everything has been written. 256 KiB by default: few hand-offs to the event loop,
    /// little memory.
    public mutating func next(size: Int = 256 << 10) -> [UInt8]? {
        guard !finished else { return nil }
        var writer = SampleWriter(output: [], name: [])
        writer.output.reserveCapacity(size + 1024)
        while writer.output.count < size {
            guard groupIndex < groups.count else {
                if format == .openMetrics { writer.output.append(contentsOf: "# EOF\n".utf8) }
                finished = true
                break
            }
            let group = groups[groupIndex]
            if !headerWritten {
                writer.output.append(contentsOf: headers[groupIndex])
                headerWritten = true
            }
            let family = group[familyIndex]
            writer.name = Array(family.descriptor.name.utf8)
            while sampleIndex < family.count && writer.output.count < size {
                // About a few kilobytes per call: a sample line is 60–200 bytes.
                let end = min(family.count, sampleIndex + max(1, (size - writer.output.count) / 256))
                family.write(sampleIndex..<end, &writer)
                sampleIndex = end
            }
            if sampleIndex == family.count {
                sampleIndex = 0
                familyIndex += 1
                if familyIndex == group.count {
                    familyIndex = 0
                    groupIndex += 1
                    headerWritten = false
                }
            }
        }
        return writer.output.isEmpty && finished ? nil : writer.output
    }
}

public enum ExpositionEncoder {
    /// The whole exposition at once (tests, golden files, small outputs).
    public static func encode(_ set: MetricSet, format: ExpositionFormat) -> [UInt8] {
        var stream = ExpositionStream(set, format: format)
        var out: [UInt8] = []
        while let chunk = stream.next() { out += chunk }
        return out
    }

    static func header(_ descriptor: MetricDescriptor, format: ExpositionFormat, otherNames: Set<String>) -> [UInt8] {
        var out: [UInt8] = []
        var familyName = descriptor.name
        var typeName = descriptor.type.rawValue
        if format == .openMetrics && descriptor.type == .counter && familyName.hasSuffix("_total") {
            familyName.removeLast(6)
            // The contract has both a counter ipvs_connections_total and a gauge
            // ipvs_connections; in OpenMetrics both would be family "ipvs_connections".
            // Such a counter keeps its full name and is typed unknown, which keeps the text
            // valid and the gauge's metadata its own (rate() works on either type).
            if otherNames.contains(familyName) {
                familyName = descriptor.name
                typeName = "unknown"
            }
        }
        switch format {
        case .prometheusText:
            out += Array("# HELP \(familyName) ".utf8)
            appendEscapedHelp(descriptor.help, to: &out, escapeQuotes: false)
            out += Array("\n# TYPE \(familyName) \(typeName)\n".utf8)
        case .openMetrics:
            out += Array("# TYPE \(familyName) \(typeName)\n# HELP \(familyName) ".utf8)
            appendEscapedHelp(descriptor.help, to: &out, escapeQuotes: true)
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    /// HELP text escapes backslash and newline; OpenMetrics also escapes double quotes.
    static func appendEscapedHelp(_ help: String, to out: inout [UInt8], escapeQuotes: Bool) {
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\""): if escapeQuotes { out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")]) } else { out.append(byte) }
            default: out.append(byte)
            }
        }
    }

    static func appendValue(_ value: SampleValue, to out: inout [UInt8]) {
        switch value {
        case .unsigned(let v): appendDecimal(v, to: &out)
        case .signed(let v):
            if v < 0 {
                out.append(UInt8(ascii: "-"))
                appendDecimal(v.magnitude, to: &out)
            } else {
                appendDecimal(UInt64(v), to: &out)
            }
        case .double(let v):
            out.append(contentsOf: formatDouble(v).utf8)
        }
    }

    /// Integers print without a fraction; NaN and infinities as the formats spell them.
    static func formatDouble(_ v: Double) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v < 0 ? "-Inf" : "+Inf" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return v.description
    }

    /// "00", "01", … "99": two digits per division when formatting.
    static let digitPairs: [UInt8] = (0..<100).flatMap { [UInt8(ascii: "0") + UInt8($0 / 10), UInt8(ascii: "0") + UInt8($0 % 10)] }

    /// Decimal digits straight into the buffer, no intermediate String.
    public static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        appendDecimal(value, to: &out, pairs: digitPairs)
    }

    /// The same with the pair table passed in, so hot loops load it once.
    @inline(__always)
    static func appendDecimal(_ value: UInt64, to out: inout [UInt8], pairs: [UInt8]) {
        if value < 10 {
            out.append(UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value))
            return
        }
        var digits = 2
        var bound: UInt64 = 100
        while digits < 20 && value >= bound {
            digits += 1
            bound = digits == 20 ? .max : bound &* 10
        }
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: digits))
        var remaining = value
        var index = start + digits
        while remaining >= 100 {
            let pair = Int(remaining % 100) * 2
            remaining /= 100
            index -= 2
            out[index] = pairs[pair]
            out[index + 1] = pairs[pair + 1]
        }
        if remaining >= 10 {
            let pair = Int(remaining) * 2
            out[index - 2] = pairs[pair]
            out[index - 1] = pairs[pair + 1]
        } else {
            out[index - 1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: remaining)
        }
    }
}
