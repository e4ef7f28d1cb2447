public import IPVSModel

/// An address as written in an ipvsadm file: numeric, or a host name (`ipvsadm -S` without
/// `-n`, or hand-written), which the linter cannot resolve.
public enum HostReference: Hashable, Sendable, CustomStringConvertible {
    case address(IPAddress)
    case name(String)

    public var address: IPAddress? {
        if case .address(let value) = self { return value }
        return nil
    }

    /// IPv6 only for numeric IPv6 addresses: ipvsadm resolves names to IPv4 only.
    public var family: IPAddress.Family {
        if case .address(let value) = self { return value.family }
        return .ipv4
    }

    public var description: String {
        switch self {
        case .address(let value): value.description
        case .name(let name): name
        }
    }
}

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
        if let a = number, let b = other.number { return a == b }
        return description == other.description
    }
}

/// What identifies a virtual service in a rules file (`-t ADDR:PORT`, `-u`, `--sctp-service`,
/// `-f MARK [-6]`).
public enum ServiceIdentity: Hashable, Sendable, CustomStringConvertible {
    case address(TransportProtocol, HostReference, PortReference)
    case firewallMark(Int64, ipv6: Bool)

    public var family: IPAddress.Family {
        switch self {
        case .address(_, let host, _): host.family
        case .firewallMark(_, let ipv6): ipv6 ? .ipv6 : .ipv4
        }
    }

    public var isFirewallMark: Bool {
        if case .firewallMark = self { return true }
        return false
    }

    public var proto: TransportProtocol? {
        if case .address(let proto, _, _) = self { return proto }
        return nil
    }

    public var port: PortReference? {
        if case .address(_, _, let port) = self { return port }
        return nil
    }

    public var host: HostReference? {
        if case .address(_, let host, _) = self { return host }
        return nil
    }

    /// `TCP 10.0.0.1:80`, `FWM 6`, `FWM 7 IPv6`: ipvsadm -L's spelling.
    public var description: String {
        switch self {
        case .address(let proto, let host, let port):
            if case .address(let address) = host, address.family == .ipv6 {
                return "\(proto) [\(host)]:\(port)"
            }
            return "\(proto) \(host):\(port)"
        case .firewallMark(let mark, let ipv6):
            return ipv6 ? "FWM \(mark) IPv6" : "FWM \(mark)"
        }
    }

    /// A stable key for fingerprints and ignores: `svc=tcp/10.0.0.1:80`, `fwm=6/inet6`.
    public var objectKey: String {
        switch self {
        case .address(let proto, let host, let port):
            return "svc=\(proto.description.lowercased())/\(host):\(port.number.map(String.init) ?? port.description)"
        case .firewallMark(let mark, let ipv6):
            return "fwm=\(mark)/\(ipv6 ? "inet6" : "inet")"
        }
    }

    /// Whether two identities name the same kernel service.
    func sameService(as other: ServiceIdentity) -> Bool {
        switch (self, other) {
        case let (.address(p1, h1, port1), .address(p2, h2, port2)):
            return p1 == p2 && h1 == h2 && port1.sameAs(port2)
        case let (.firewallMark(m1, v1), .firewallMark(m2, v2)):
            return m1 == m2 && v1 == v2
        default:
            return false
        }
    }
}

/// A value and where it was written.
public struct Located<Value: Sendable & Hashable>: Sendable, Hashable {
    public var value: Value
    public var location: SourceLocation

    public init(_ value: Value, _ location: SourceLocation) {
        self.value = value
        self.location = location
    }
}

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

extension ForwardingMethod {
    /// The ipvsadm switch: -m, -g, -i.
    var flag: String {
        switch self {
        case .masquerading: "-m"
        case .tunneling: "-i"
        default: "-g"
        }
    }
}

/// One `-a` real server of a service, with ipvsadm's defaults filled in.
public struct RealServerDefinition: Sendable, Hashable {
    public var address: HostReference
    public var addressText: String
    /// As written; nil when `-r` had no port (ipvsadm then copies the service's).
    public var writtenPort: PortReference?
    /// The port the kernel gets: for DR and TUN on an address service ipvsadm forces the
    /// service port, whatever was written.
    public var effectivePort: PortReference?
    public var forwarding: ForwardingMethod
    public var weight: Located<Int64>?
    public var upperThreshold: Located<Int64>?
    public var lowerThreshold: Located<Int64>?
    public var tunnelType: Located<String>?
    public var tunnelPort: Located<Int64>?
    public var tunnelChecksum: Located<String>?
    /// The `-a` line.
    public var location: SourceLocation
    /// Where `-r` was written.
    public var addressLocation: SourceLocation

    /// `-w`, 1 when not given.
    public var weightValue: Int64 { weight?.value ?? 1 }
}

/// One `-A` virtual service, as the restore would leave it.
public struct ServiceDefinition: Sendable, Hashable {
    public var identity: ServiceIdentity
    public var scheduler: Located<String>?
    /// `-p`: seconds; 360 when `-p` had no value.
    public var persistence: Located<Int64>?
    public var netmask: Located<NetmaskSpec>?
    public var schedulerFlags: Located<[String]>?
    public var onePacket: SourceLocation?
    public var persistenceEngine: Located<String>?
    /// A bare `ops` word, as ipvsadm before 1.26 saved one-packet scheduling.
    public var legacyOps: SourceLocation?
    public var realServers: [RealServerDefinition] = []
    /// The `-A` line.
    public var location: SourceLocation
    /// Where the service address or mark was written.
    public var identityLocation: SourceLocation

    /// `-s`, wlc when not given (ipvsadm's default).
    public var effectiveScheduler: Scheduler { scheduler.map { Scheduler($0.value) } ?? .default }
    public var isPersistent: Bool { persistence != nil }
}

/// An ipvsadm rules file (`ipvsadm-save -n` output, or hand-written `ipvsadm -R` input).
public struct IPVSConfiguration: Sendable, Hashable {
    public var file: SourceFile
    /// In file order, as `ipvsadm -R` would leave them (edits applied, deletions removed).
    public var services: [ServiceDefinition] = []
    /// `-a` lines whose service no earlier line created (the kernel answers ESRCH).
    public var orphanRealServers: [(ServiceIdentity, RealServerDefinition)] = []
    /// `-A` lines for a service an earlier line already created (the kernel answers EEXIST).
    public var duplicateServices: [(ServiceDefinition, first: SourceLocation)] = []
    /// `-a` lines for a real server the service already has.
    public var duplicateRealServers: [(ServiceIdentity, RealServerDefinition, first: SourceLocation)] = []
    /// `--set tcp tcpfin udp` lines.
    public var timeoutSettings: [Located<[Int64]>] = []
    /// Words that are host or service names rather than numbers.
    public var names: [Located<String>] = []

    public static func == (lhs: IPVSConfiguration, rhs: IPVSConfiguration) -> Bool {
        lhs.file == rhs.file && lhs.services == rhs.services
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(file)
        hasher.combine(services)
    }
}
