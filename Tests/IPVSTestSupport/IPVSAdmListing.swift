import Foundation
import IPVSModel

/// `ipvsadm -L -n` output in its variants (`--stats --exact`, `--rate --exact`,
/// `--thresholds`, `--persistent-conn`, `--tun-info`), parsed for comparison with the
/// exporter. Test support only: the exporter itself never runs ipvsadm.
public struct IPVSAdmListing: Sendable {
    public struct Service: Sendable, Hashable {
        /// The service as `VirtualServiceID.description` spells it: `TCP 10.0.0.1:80`,
        /// `TCP [2001:db8::1]:80`, `FWM 6`, `FWM 7 IPv6`.
        public var key: String
        /// Everything after the address in list format (`rr`, `persistent 300 mask …`), or the
        /// numbers of `--stats`/`--rate`.
        public var columns: [String]
        public var realServers: [RealServer]

        public var scheduler: String? { columns.first }

        /// `persistent N` in list format.
        public var persistentSeconds: Int? {
            guard let index = columns.firstIndex(of: "persistent"), index + 1 < columns.count else { return nil }
            return Int(columns[index + 1])
        }

        public var mask: String? {
            guard let index = columns.firstIndex(of: "mask"), index + 1 < columns.count else { return nil }
            return columns[index + 1]
        }

        public var persistenceEngine: String? {
            guard let index = columns.firstIndex(of: "pe"), index + 1 < columns.count else { return nil }
            return columns[index + 1]
        }

        public var onePacket: Bool { columns.contains("ops") }

        /// `(sh-fallback,sh-port)` → ["sh-fallback", "sh-port"].
        public var schedulerFlags: [String] {
            guard let flags = columns.first(where: { $0.hasPrefix("(") }) else { return [] }
            return flags.dropFirst().dropLast().split(separator: ",").map(String.init)
        }

        public var numbers: [UInt64] { columns.compactMap { UInt64($0) } }
    }

    public struct RealServer: Sendable, Hashable {
        /// `172.16.1.11:8080`, `[fd00:16:1::11]:8080`.
        public var key: String
        public var columns: [String]

        public var numbers: [UInt64] { columns.compactMap { UInt64($0) } }
    }

    public var services: [Service]

    public func service(_ key: String) -> Service? { services.first { $0.key == key } }

    public struct ParseError: Error, CustomStringConvertible {
        public var line: Int
        public var text: String
        public var description: String { "ipvsadm listing line \(line): cannot read \"\(text)\"" }
    }

    public init(parsing text: String) throws {
        var services: [Service] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = String(rawLine)
            let words = line.split(separator: " ").map(String.init)
            guard let first = words.first else { continue }
            if line.hasPrefix("IP Virtual Server") || first == "Prot"
                || (first == "->" && words.count > 1 && words[1].hasPrefix("RemoteAddress"))
            {
                continue
            }
            if first == "->" {
                guard words.count >= 2, !services.isEmpty, let key = Self.canonicalAddressPort(words[1]) else {
                    throw ParseError(line: index + 1, text: line)
                }
                services[services.count - 1].realServers.append(RealServer(key: key, columns: Array(words.dropFirst(2))))
                continue
            }
            guard words.count >= 2 else { throw ParseError(line: index + 1, text: line) }
            if first == "FWM" {
                guard let signed = Int64(words[1]) else { throw ParseError(line: index + 1, text: line) }
                // Debian's ipvsadm 1.31 prints marks of 2^31 and above as negative numbers.
                let mark = UInt32(truncatingIfNeeded: signed)
                var rest = Array(words.dropFirst(2))
                var key = "FWM \(mark)"
                if rest.first == "IPv6" {
                    key += " IPv6"
                    rest.removeFirst()
                }
                services.append(Service(key: key, columns: rest, realServers: []))
            } else {
                guard let address = Self.canonicalAddressPort(words[1]) else { throw ParseError(line: index + 1, text: line) }
                services.append(Service(key: "\(first) \(address)", columns: Array(words.dropFirst(2)), realServers: []))
            }
        }
        self.services = services
    }

    /// Re-spells `addr:port` through the project's own address type, so keys compare equal to
    /// the exporter's labels whatever compression ipvsadm chose.
    static func canonicalAddressPort(_ text: String) -> String? {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let address = IPAddress(host) else { return nil }
        return SocketAddressText.format(address, port)
    }
}
