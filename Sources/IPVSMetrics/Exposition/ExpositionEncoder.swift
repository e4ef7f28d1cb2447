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
            case UInt8(ascii: "\""):
                if escapeQuotes { out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")]) } else { out.append(byte) }
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
    static let digitPairs: [UInt8] = (0..<100).flatMap {
        [UInt8(ascii: "0") + UInt8($0 / 10), UInt8(ascii: "0") + UInt8($0 % 10)]
    }

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
