import IPVSModel

/// A set of ports: `--dport 80`, `--dport 8000:8100`, `--dports 80,443,8000:8100`.
public struct PortSet: Sendable, Hashable {
    public var negated: Bool
    /// Inclusive ranges; nil when a port name could not be resolved.
    public var ranges: [ClosedRange<UInt16>]?
    public var text: String

    public func contains(_ port: UInt16) -> Bool? {
        guard let ranges else { return nil }
        let inside = ranges.contains { $0.contains(port) }
        return negated ? !inside : inside
    }

    /// More than one port.
    public var isMultiple: Bool {
        guard let ranges else { return true }
        return negated || ranges.count > 1 || ranges.contains { $0.count > 1 }
    }
}
