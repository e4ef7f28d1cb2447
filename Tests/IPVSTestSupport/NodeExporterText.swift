import Foundation

/// The `node_ipvs_*` part of an exposition in a form two exporters can be compared in: the
/// HELP and TYPE lines as written, and each sample as its name, its labels sorted by name and
/// its value as the float64 Prometheus reads (node_exporter writes 2.3765872e+07 where we
/// write 23765872), sorted.
public enum NodeExporterText {
    public static func normalized(_ text: String) throws -> [String] {
        let lines = text.split(separator: "\n").map(String.init).filter { $0.contains("node_ipvs_") }
        let metadata = lines.filter { $0.hasPrefix("# HELP ") || $0.hasPrefix("# TYPE ") }
        let samples = try ExpositionText.parse(lines.filter { !$0.hasPrefix("#") }.joined(separator: "\n")).map { sample in
            guard let value = Double(sample.value) else { throw ExpositionText.ParseError(line: 0, text: sample.value) }
            return "\(sample.name)\(sample.labels.isEmpty ? "" : sample.labelText) \(value)"
        }
        return (metadata + samples).sorted()
    }

    /// What differs, one line each: `-` only in the expected, `+` only in the actual.
    public static func difference(expected: [String], actual: [String]) -> [String] {
        let missing = Set(expected).subtracting(actual)
        let extra = Set(actual).subtracting(expected)
        return missing.sorted().map { "- " + $0 } + extra.sorted().map { "+ " + $0 }
    }
}
