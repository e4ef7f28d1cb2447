/// A label set rendered once as `{name="value",…}` bytes.
///
/// A backend's labels appear in a dozen families per scrape; rendering and escaping them once
/// and copying bytes afterwards is what keeps a 10,000-backend scrape cheap.
public struct Labels: Sendable, Hashable {
    /// `{a="x",b="y"}`, or empty for no labels.
    public private(set) var rendered: [UInt8]
    public private(set) var names: [String]

    public static let none = Labels(rendered: [], names: [])

    private init(rendered: [UInt8], names: [String]) {
        self.rendered = rendered
        self.names = names
    }

    /// - Precondition: `names.count == values.count`; names are valid label names.
    public init(_ names: [String], _ values: [String]) {
        precondition(names.count == values.count, "label names and values differ in count")
        guard !names.isEmpty else {
            self.init(rendered: [], names: [])
            return
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(16 * names.count + values.reduce(0) { $0 + $1.utf8.count })
        bytes.append(UInt8(ascii: "{"))
        for (index, (name, value)) in zip(names, values).enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            Self.appendPair(name, value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        self.init(rendered: bytes, names: names)
    }

    /// This set with more labels after the existing ones.
    public func appending(_ names: [String], _ values: [String]) -> Labels {
        precondition(names.count == values.count, "label names and values differ in count")
        if rendered.isEmpty { return Labels(names, values) }
        var bytes = rendered
        bytes.removeLast()  // "}"
        for (name, value) in zip(names, values) {
            bytes.append(UInt8(ascii: ","))
            Self.appendPair(name, value, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        return Labels(rendered: bytes, names: self.names + names)
    }

    private static func appendPair(_ name: String, _ value: String, to bytes: inout [UInt8]) {
        bytes.append(contentsOf: name.utf8)
        bytes.append(UInt8(ascii: "="))
        bytes.append(UInt8(ascii: "\""))
        appendEscapedLabelValue(value, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// The exposition formats escape backslash, double quote and newline in label values.
    static func appendEscapedLabelValue(_ value: String, to bytes: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\n"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            default: bytes.append(byte)
            }
        }
    }
}
