import Synchronization
import SystemSupport

/// A file name as locations carry it: a number standing for the name, so that the hundreds of
/// thousands of locations of a big input do not each hold (and retain, at every copy) a string.
public struct SourceName: Sendable, Hashable, Comparable, CustomStringConvertible {
    let id: UInt32

    /// Names are registered once, per file, and never forgotten: a process lints a few files.
    private static let registry = Mutex<(names: [String], ids: [String: UInt32])>(([], [:]))

    public init(_ name: String) {
        id = Self.registry.withLock { registry in
            if let id = registry.ids[name] { return id }
            let id = UInt32(registry.names.count)
            registry.names.append(name)
            registry.ids[name] = id
            return id
        }
    }

    public var description: String { Self.registry.withLock { $0.names[Int(id)] } }

    /// By name, so output sorted by location is in file-name order.
    public static func < (lhs: SourceName, rhs: SourceName) -> Bool {
        lhs != rhs && lhs.description < rhs.description
    }
}
