import Foundation

/// One sample of a Prometheus text exposition.
public struct ExpositionSample: Sendable, Hashable {
    public var name: String
    public var labels: [String: String]
    public var value: String

    public var unsigned: UInt64? { UInt64(value) }
    public var signed: Int64? { Int64(value) }

    /// `{a="1",b="2"}` with labels sorted, for messages.
    public var labelText: String {
        "{" + labels.keys.sorted().map { "\($0)=\"\(labels[$0]!)\"" }.joined(separator: ",") + "}"
    }
}

/// Parses the text format (0.0.4), independently of the exporter's encoder, so tests do not
/// grade the encoder with itself.
public enum ExpositionText {
    public struct ParseError: Error, CustomStringConvertible {
        public var line: Int
        public var text: String
        public var description: String { "exposition line \(line): cannot parse \"\(text)\"" }
    }

    public static func parse(_ text: String) throws -> [ExpositionSample] {
        var samples: [ExpositionSample] = []
        for (number, line) in text.split(separator: "\n").enumerated() where !line.hasPrefix("#") && !line.isEmpty {
            guard let sample = parseLine(Array(line.utf8)) else { throw ParseError(line: number + 1, text: String(line)) }
            samples.append(sample)
        }
        return samples
    }

    static func parseLine(_ bytes: [UInt8]) -> ExpositionSample? {
        var i = 0
        while i < bytes.count && bytes[i] != UInt8(ascii: "{") && bytes[i] != UInt8(ascii: " ") { i += 1 }
        let name = String(decoding: bytes[0..<i], as: UTF8.self)
        var labels: [String: String] = [:]
        if i < bytes.count && bytes[i] == UInt8(ascii: "{") {
            i += 1
            while i < bytes.count && bytes[i] != UInt8(ascii: "}") {
                let start = i
                while i < bytes.count && bytes[i] != UInt8(ascii: "=") { i += 1 }
                let key = String(decoding: bytes[start..<i], as: UTF8.self)
                guard i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "\"") else { return nil }
                i += 2
                var value: [UInt8] = []
                while i < bytes.count && bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count {
                        i += 1
                        value.append(bytes[i] == UInt8(ascii: "n") ? UInt8(ascii: "\n") : bytes[i])
                    } else {
                        value.append(bytes[i])
                    }
                    i += 1
                }
                guard i < bytes.count else { return nil }
                i += 1
                labels[key] = String(decoding: value, as: UTF8.self)
                if i < bytes.count && bytes[i] == UInt8(ascii: ",") { i += 1 }
            }
            guard i < bytes.count else { return nil }
            i += 1
        }
        guard i < bytes.count, bytes[i] == UInt8(ascii: " ") else { return nil }
        let value = String(decoding: bytes[(i + 1)...], as: UTF8.self)
        guard !value.isEmpty, !value.contains(" ") else { return nil }
        return ExpositionSample(name: name, labels: labels, value: value)
    }
}
