public import IPVSModel

/// A persistence netmask as written: `-M 255.255.255.0` or `-M 64`.
public enum NetmaskSpec: Hashable, Sendable, CustomStringConvertible {
    case dotted(String, IPAddress?)
    case prefix(Int64)

    public var description: String {
        switch self {
        case .dotted(let text, _): text
        case .prefix(let length): String(length)
        }
    }
}
