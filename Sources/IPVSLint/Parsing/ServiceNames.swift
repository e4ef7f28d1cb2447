import IPVSModel
import SystemSupport

/// Port names from /etc/services, for `-t 10.0.0.1:http` (ipvsadm resolves them the same way).
public struct ServiceNames: Sendable {
    /// protocol ("tcp", "udp", "sctp") → name → port.
    let table: [String: [String: UInt16]]

    public init(etcServices text: String) {
        var table: [String: [String: UInt16]] = [:]
        for line in text.split(separator: "\n") {
            let content = line.prefix { $0 != "#" }
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2 else { continue }
            let portProto = fields[1].split(separator: "/")
            guard portProto.count == 2, let port = UInt16(portProto[0]) else { continue }
            let proto = String(portProto[1])
            for name in [fields[0]] + fields.dropFirst(2) where table[proto]?[String(name)] == nil {
                table[proto, default: [:]][String(name)] = port
            }
        }
        self.table = table
    }

    public static let none = ServiceNames(etcServices: "")

    /// The system's /etc/services, or none.
    public static var system: ServiceNames {
        guard let bytes = try? Files.read("/etc/services", limit: 4 << 20) else { return .none }
        return ServiceNames(etcServices: String(decoding: bytes, as: UTF8.self))
    }

    func port(_ name: String, proto: String) -> UInt16? {
        table[proto]?[name] ?? table["tcp"]?[name]
    }
}
