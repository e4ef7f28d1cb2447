import IPVSModel

/// A port as written: a number, or a service name (`:http`) resolved through /etc/services
/// when it is known there.
public enum PortReference: Hashable, Sendable, CustomStringConvertible {
    case number(UInt16)
    case name(String, resolved: UInt16?)

    public var number: UInt16? {
        switch self {
        case .number(let value): value
        case .name(_, let resolved): resolved
        }
    }

    public var description: String {
        switch self {
        case .number(let value): String(value)
        case .name(let name, _): name
        }
    }

    /// Equal when both resolve to the same number, or are the same text.
    func sameAs(_ other: PortReference) -> Bool {
        key == other.key
    }

    /// What ``sameAs(_:)`` compares, as a dictionary key.
    enum Key: Hashable {
        case number(UInt16)
        case name(String)
    }

    var key: Key {
        number.map { .number($0) } ?? .name(description)
    }
}
