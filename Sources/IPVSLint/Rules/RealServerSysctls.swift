import IPVS

/// What the 7xx rules share: each real-server sysctl file with the DR/TUN services that need it.
enum RealServerSysctls {
    /// Interfaces that never carry ARP.
    static let noARP: Set<String> = ["lo", "tunl0", "ip6tnl0", "sit0", "gre0", "gretap0", "erspan0", "ip_vti0", "ip6_vti0", "ip6gre0"]

    /// (sysctls, real servers using them, the services) for real servers forwarded with `methods`.
    static func hosts(_ inputs: LintInputs, methods: Set<String>, report: inout Report) -> [(SysctlSet, [String], [ServiceDefinition])] {
        var byFile: [String: (SysctlSet, [String], [ServiceDefinition])] = [:]
        var order: [String] = []
        for (service, server) in inputs.realServers where methods.contains(server.forwarding.flag) {
            guard let set = inputs.sysctls(for: server) else {
                report.skip("real server \(server.addressText): no --sysctl \(server.addressText)=FILE")
                continue
            }
            if byFile[set.file.name] == nil {
                byFile[set.file.name] = (set, [], [])
                order.append(set.file.name)
            }
            if !byFile[set.file.name]!.1.contains(server.addressText) { byFile[set.file.name]!.1.append(server.addressText) }
            if !byFile[set.file.name]!.2.contains(where: { $0.identity == service.identity }) { byFile[set.file.name]!.2.append(service) }
        }
        return order.map { byFile[$0]! }
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
