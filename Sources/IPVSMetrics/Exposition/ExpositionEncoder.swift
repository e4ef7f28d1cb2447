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

/// Writes metric families as exposition text.
///
/// Families come out sorted by name, each with HELP and TYPE; samples keep the order they
/// were added in (the collectors add them in model order). In OpenMetrics a counter family is
/// named without its `_total` suffix, which its samples keep, and the text ends with `# EOF`.
public enum ExpositionEncoder {
    public static func encode(_ set: MetricSet, format: ExpositionFormat) -> [UInt8] {
        let families = set.families.filter { !$0.samples.isEmpty }.sorted { $0.descriptor.name < $1.descriptor.name }
        var out: [UInt8] = []
        out.reserveCapacity(families.reduce(0) { $0 + $1.samples.count * 120 } + 4096)
        let otherNames = Set(families.filter { $0.descriptor.type != .counter }.map(\.descriptor.name))
        for family in families {
            let descriptor = family.descriptor
            var familyName = descriptor.name
            var typeName = descriptor.type.rawValue
            if format == .openMetrics && descriptor.type == .counter && familyName.hasSuffix("_total") {
                familyName.removeLast(6)
                // The contract has both a counter ipvs_connections_total and a gauge
                // ipvs_connections; in OpenMetrics both would be family "ipvs_connections".
                // Such a counter keeps its full name and is typed unknown, which keeps the
                // text valid and the gauge's metadata its own (rate() works on either type).
                if otherNames.contains(familyName) {
                    familyName = descriptor.name
                    typeName = "unknown"
                }
            }
            switch format {
            case .prometheusText:
                append("# HELP ", familyName, " ", to: &out)
                appendEscapedHelp(descriptor.help, to: &out, escapeQuotes: false)
                append("\n# TYPE ", familyName, " ", typeName, "\n", to: &out)
            case .openMetrics:
                append("# TYPE ", familyName, " ", typeName, "\n# HELP ", familyName, " ", to: &out)
                appendEscapedHelp(descriptor.help, to: &out, escapeQuotes: true)
                out.append(UInt8(ascii: "\n"))
            }
            let sampleName = Array(descriptor.name.utf8)
            for sample in family.samples {
                out.append(contentsOf: sampleName)
                out.append(contentsOf: sample.labels.rendered)
                out.append(UInt8(ascii: " "))
                appendValue(sample.value, to: &out)
                out.append(UInt8(ascii: "\n"))
            }
        }
        if format == .openMetrics {
            out.append(contentsOf: "# EOF\n".utf8)
        }
        return out
    }

    private static func append(_ parts: String..., to out: inout [UInt8]) {
        for part in parts { out.append(contentsOf: part.utf8) }
    }

    /// HELP text escapes backslash and newline; OpenMetrics also escapes double quotes.
    static func appendEscapedHelp(_ help: String, to out: inout [UInt8], escapeQuotes: Bool) {
        for byte in help.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case UInt8(ascii: "\"") where escapeQuotes: out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
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

    private static let powersOfTen: [UInt64] = (0..<20).map { exponent in
        (0..<exponent).reduce(1) { value, _ in value * 10 }
    }

    /// Decimal digits straight into the buffer, no intermediate String.
    static func appendDecimal(_ value: UInt64, to out: inout [UInt8]) {
        var digits = 1
        while digits < 20 && value >= powersOfTen[digits] { digits += 1 }
        var position = digits - 1
        while position >= 0 {
            out.append(UInt8(ascii: "0") &+ UInt8((value / powersOfTen[position]) % 10))
            position -= 1
        }
    }
}
