import IPVSModel

/// What the 7xx rules share: each real-server sysctl file with the DR/TUN services that need it.
enum RealServerSysctls {
    /// Interfaces that never carry ARP.
    static let noARP: Set<String> = [
        "lo", "tunl0", "ip6tnl0", "sit0", "gre0", "gretap0", "erspan0", "ip_vti0", "ip6_vti0", "ip6gre0",
    ]

    /// One real-server sysctl file and the DR/TUN real servers it describes.
    struct Host {
        var sysctls: SysctlSet
        /// The real servers as written (`10.0.0.11:80`), each once.
        var servers: [String] = []
        var services: [ServiceDefinition] = []
        /// The first `-a` line of these servers: where a finding about a key the file lacks
        /// points, since the file has no line to blame.
        var firstServerLocation: SourceLocation

        var serviceNames: String { services.map(\.identity.description).joined(separator: ", ") }

        /// The key's line when the file has it, else the real server's line.
        func location(of key: String) -> SourceLocation {
            sysctls.value(key)?.location ?? firstServerLocation
        }

        /// For the related locations: the services, and the sysctl file when the key is absent.
        func related(_ key: String) -> [SourceLocation] {
            services.map(\.location) + (sysctls.value(key) == nil ? [SourceLocation(file: sysctls.file.name, line: 1)] : [])
        }
    }

    /// Real-server sysctl files with the real servers forwarded with `methods` that use them:
    /// one per real server, even when several share a file (`.ipvs-lint.yaml`'s ranges, or
    /// `--sysctl A=rs.conf --sysctl B=rs.conf`), so each gets its own finding and key.
    static func hosts(_ inputs: LintInputs, methods: [ForwardingMethod], report: inout Report) -> [Host] {
        var byFile: [String: Host] = [:]
        var order: [String] = []
        for (service, server) in inputs.realServers where methods.contains(server.forwarding) {
            guard let set = inputs.sysctls(for: server) else {
                report.skip("real server \(server.addressText): no --sysctl \(server.address)=FILE")
                continue
            }
            let name = set.file.name + "|" + (set.host ?? "")
            if byFile[name] == nil {
                byFile[name] = Host(sysctls: set, firstServerLocation: server.location)
                order.append(name)
            }
            if !byFile[name]!.servers.contains(server.addressText) { byFile[name]!.servers.append(server.addressText) }
            if !byFile[name]!.services.contains(where: { $0.identity == service.identity }) {
                byFile[name]!.services.append(service)
            }
        }
        return order.map { byFile[$0]! }
    }

    /// The loop of the 7xx rules: for each host of `methods`, `problem` gives the finding's
    /// message and line, or nil when the host is fine; the object and the related locations
    /// (the services, and the file when it lacks the key) are the same for every rule.
    static func report(
        _ setting: String, methods: [ForwardingMethod], _ inputs: LintInputs, into report: inout Report,
        problem: (Host) -> (message: String, location: SourceLocation)?
    ) {
        for host in hosts(inputs, methods: methods, report: &report) {
            guard let (message, location) = problem(host) else { continue }
            report.add(
                message, at: location, object: "sysctl=\(host.sysctls.host ?? "?")/\(setting)",
                related: host.related("net.ipv4.conf.all.\(setting)"))
        }
    }

    /// ``report(_:methods:_:into:problem:)`` for a setting every ARP interface needs at
    /// `minimum` or more: `message` gets the failing interfaces with their values, and the
    /// finding points at the `all` key (or the real server when the file lacks it).
    static func report(
        _ setting: String, below minimum: Int64, methods: [ForwardingMethod], _ inputs: LintInputs, into report: inout Report,
        message: (Host, _ detail: String) -> String
    ) {
        Self.report(setting, methods: methods, inputs, into: &report) { host in
            let failing = failing(host.sysctls, setting, minimum: minimum)
            guard !failing.isEmpty else { return nil }
            let detail = failing.map { "\($0.0): \($0.1)" }.joined(separator: ", ")
            return (message(host, detail), host.location(of: "net.ipv4.conf.all.\(setting)"))
        }
    }

    /// Interfaces whose effective `setting` is below `minimum`: the physical ones listed, else the
    /// value every future interface starts with.
    static func failing(_ set: SysctlSet, _ setting: String, minimum: Int64) -> [(String, Int64)] {
        let interfaces = set.interfaces.filter { !noARP.contains($0) }
        let candidates = interfaces.isEmpty ? ["default"] : interfaces
        return candidates.compactMap { name in
            let value = set.effectiveMax(setting, interface: name).value
            return value < minimum ? (name == "default" ? "every interface" : name, value) : nil
        }
    }
}
