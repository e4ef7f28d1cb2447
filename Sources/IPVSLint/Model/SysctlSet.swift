/// Sysctl values of one host, from `sysctl -a` output or sysctl.conf / sysctl.d files.
///
/// Keys are kept in dotted form (`net.ipv4.conf.all.arp_ignore`). An interface whose name has
/// a dot (a VLAN `eth0.100`) appears as `eth0/100`, as procps writes it.
public struct SysctlSet: Sendable, Hashable {
    public var file: SourceFile
    /// The host this set describes: nil for the director, else a real server's address or name.
    public var host: String?
    public var values: [String: Located<String>]

    public func value(_ key: String) -> Located<String>? { values[key] }

    public func integer(_ key: String) -> Int64? {
        values[key].flatMap { Int64($0.value.trimmingCharacters(in: " \t")) }
    }

    /// Interfaces that appear under `net.ipv4.conf.<iface>.` (all and default excluded).
    public var interfaces: [String] {
        var names = Set<String>()
        for key in values.keys where key.hasPrefix("net.ipv4.conf.") {
            let rest = key.dropFirst("net.ipv4.conf.".count)
            guard let dot = rest.lastIndex(of: ".") else { continue }
            let name = String(rest[..<dot])
            if name != "all" && name != "default" { names.insert(name) }
        }
        return names.sorted()
    }

    /// The value the kernel uses on an interface for the settings it combines as
    /// max(conf/all, conf/<iface>) (arp_ignore, arp_announce, rp_filter, …). An interface with no
    /// key of its own has the `default` value it was created with; a key absent altogether is
    /// the kernel's default, 0.
    public func effectiveMax(_ setting: String, interface: String) -> (value: Int64, source: Located<String>?) {
        let all = values["net.ipv4.conf.all.\(setting)"]
        let own = values["net.ipv4.conf.\(interface).\(setting)"] ?? values["net.ipv4.conf.default.\(setting)"]
        let allValue = all.flatMap { Int64($0.value) } ?? 0
        let ownValue = own.flatMap { Int64($0.value) } ?? 0
        return allValue >= ownValue ? (allValue, all ?? own) : (ownValue, own)
    }

    /// Where to point a finding about this host: the key if present, else the first line.
    public func location(of key: String) -> SourceLocation {
        values[key]?.location ?? SourceLocation(file: file.id, line: 1)
    }
}

extension String {
    func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice.removeFirst() }
        while let last = slice.last, set.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
