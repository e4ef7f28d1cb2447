public import IPVSModel
import SystemSupport

/// `lint --live`: the running director turned into the same inputs a user would hand over, so
/// the rules, locations and output formats are the ones of file linting. The IPVS state is
/// written the way `ipvsadm -S -n` writes it (but from netlink, so nothing ipvsadm would
/// rewrite or truncate is lost: a DR real server keepalived added on another port stays on it),
/// the sysctls as `key = value` from /proc/sys, the timeouts as `ipvsadm -L --timeout` prints
/// them. Findings then point at lines of these generated texts, named `live:…`.
public enum LiveDirector {
    public static let ipvsadmName = "live:ipvsadm-save"
    public static let sysctlName = "live:sysctl"
    public static let timeoutsName = "live:timeouts"

    /// The service table as `ipvsadm -S -n` would save it.
    public static func ipvsadmSave(_ table: ServiceTable) -> String {
        var out = ""
        for service in table.services {
            let identity: String
            switch service.id {
            case .address(let proto, let address, let port):
                let option = proto == .udp ? "-u" : proto == .sctp ? "--sctp-service" : "-t"
                identity = "\(option) \(SocketAddressText.format(address, port))"
            case .firewallMark(let mark, let family):
                identity = "-f \(mark)" + (family == .ipv6 ? " -6" : "")
            }
            var line = "-A \(identity) -s \(service.scheduler)"
            let flags = (service.flags ?? []).names(scheduler: service.scheduler).filter { $0 != "persistent" && $0 != "ops" }
            if !flags.isEmpty { line += " -b " + flags.joined(separator: ",") }
            if let persistence = service.persistence {
                if let seconds = persistence.timeoutSeconds { line += " -p \(seconds)" } else { line += " -p" }
                if persistence.netmask != .defaultMask(for: service.id.family) { line += " -M \(persistence.netmask)" }
            }
            if service.onePacket == true || service.flags?.contains(.onePacket) == true { line += " -o" }
            if let engine = service.persistenceEngine { line += " --pe \(engine)" }
            out += line + "\n"
            // ipvsadm sorts real servers by address and port; the kernel lists the newest first.
            let servers = service.realServers.sorted { a, b in
                if a.address.family != b.address.family { return a.address.family == .ipv4 }
                if a.address.bytes != b.address.bytes { return a.address.bytes.lexicographicallyPrecedes(b.address.bytes) }
                return a.port < b.port
            }
            for server in servers {
                var line =
                    "-a \(identity) -r \(SocketAddressText.format(server.address, server.port)) \(server.forwarding.flag) -w \(server.weight)"
                if let upper = server.upperThreshold, upper > 0 { line += " -x \(upper)" }
                if let lower = server.lowerThreshold, lower > 0 { line += " -y \(lower)" }
                if server.forwarding == .tunneling, let tunnel = server.tunnel, tunnel.kind != .ipip {
                    line += " --tun-type \(tunnel.kind.label)"
                    if tunnel.port != 0 { line += " --tun-port \(tunnel.port)" }
                    switch tunnel.checksum {
                    case .none: line += " --tun-nocsum"
                    case .checksum: line += " --tun-csum"
                    case .remoteChecksum: line += " --tun-remcsum"
                    }
                }
                out += line + "\n"
            }
        }
        return out
    }

    /// `net.ipv4.*` and `net.ipv6.conf.*` of `root/sys` as `key = value` lines, sorted: what
    /// the sysctl rules read (forwarding, ARP, rp_filter, the IPVS knobs).
    public static func sysctls(procfs root: String) -> String {
        var lines: [String] = []
        func walk(_ directory: String, _ key: String) {
            guard let names = try? Files.list(directory) else { return }
            for name in names {
                let path = directory + "/" + name
                // A dot inside an interface name (eth0.100) is written as / in a sysctl key.
                let component = name.replacing(".", with: "/")
                if let value = try? Files.read(path, limit: 4096) {
                    let text = String(decoding: value, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? ""
                    lines.append("\(key).\(component) = \(text.replacing("\t", with: " "))")
                } else if (try? Files.list(path)) != nil {
                    walk(path, key + "." + component)
                }
            }
        }
        walk(root + "/sys/net/ipv4", "net.ipv4")
        walk(root + "/sys/net/ipv6/conf", "net.ipv6.conf")
        return lines.sorted().map { $0 + "\n" }.joined()
    }

    /// `ipvsadm -L --timeout`'s line.
    public static func timeouts(_ timeouts: Timeouts) -> String {
        "Timeout (tcp tcpfin udp): \(timeouts.tcp) \(timeouts.tcpFin) \(timeouts.udp)\n"
    }
}
