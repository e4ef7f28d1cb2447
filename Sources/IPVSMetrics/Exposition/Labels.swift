public import IPVSModel

/// A label set rendered once as `{name="value",…}` bytes.
///
/// A backend's labels appear in a dozen families per scrape; rendering and escaping them once
/// and copying bytes afterwards is what keeps a 10,000-backend scrape cheap.
public struct Labels: Sendable, Hashable {
    /// `{a="x",b="y"}`, or empty for no labels.
    public private(set) var rendered: [UInt8]

    public static let none = Labels(rendered: [])

    init(rendered: [UInt8]) {
        self.rendered = rendered
    }

    /// - Precondition: `names.count == values.count`; names are valid label names.
    public init(_ names: [String], _ values: [String]) {
        precondition(names.count == values.count, "label names and values differ in count")
        var builder = Builder()
        for (name, value) in zip(names, values) { builder.add(name, value) }
        self = builder.labels
    }

    /// This set with more labels after the existing ones.
    public func appending(_ names: [String], _ values: [String]) -> Labels {
        precondition(names.count == values.count, "label names and values differ in count")
        var builder = Builder(self)
        for (name, value) in zip(names, values) { builder.add(name, value) }
        return builder.labels
    }

    /// Builds a label set pair by pair, writing numbers and addresses as bytes directly.
    public struct Builder {
        private var bytes: [UInt8]

        public init() {
            bytes = []
            bytes.reserveCapacity(160)
        }

        /// Continues an existing set.
        public init(_ labels: Labels) {
            bytes = labels.rendered
            if !bytes.isEmpty { bytes.removeLast() }  // "}"
        }

        private mutating func start(_ name: String) {
            bytes.append(bytes.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
            bytes.append(contentsOf: name.utf8)
            bytes.append(UInt8(ascii: "="))
            bytes.append(UInt8(ascii: "\""))
        }

        public mutating func add(_ name: String, _ value: String) {
            start(name)
            Labels.appendEscapedLabelValue(value, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }

        public mutating func add(_ name: String, _ address: IPAddress) {
            start(name)
            address.appendText(to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }

        public mutating func add(_ name: String, _ number: UInt64) {
            start(name)
            ExpositionEncoder.appendDecimal(number, to: &bytes)
            bytes.append(UInt8(ascii: "\""))
        }

        public var labels: Labels {
            guard !bytes.isEmpty else { return .none }
            var closed = bytes
            closed.append(UInt8(ascii: "}"))
            return Labels(rendered: closed)
        }
    }

    /// The exposition formats escape backslash, double quote and newline in label values.
    static func appendEscapedLabelValue(_ value: String, to bytes: inout [UInt8]) {
        let utf8 = value.utf8
        guard utf8.contains(where: { $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") }) else {
            bytes.append(contentsOf: utf8)
            return
        }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            default: bytes.append(byte)
            }
        }
    }
}
