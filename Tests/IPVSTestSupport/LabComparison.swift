import Foundation
import IPVSModel

/// One capture of the kernel lab: ipvsadm's whole view before and after the exporter's scrapes.
///
/// Written by `capture` in Tests/Kernel/lib.sh inside the VM:
/// `before/` and `after/` hold `ipvsadm -Ln` in its variants, `-L --timeout`, `-L --daemon`,
/// `-Lnc` and `/proc/net/ip_vs_stats`; `procfs.prom` and `netlink.prom` are the scrapes.
public struct LabCapture {
    public struct View {
        public var list: IPVSAdmListing
        public var stats: IPVSAdmListing
        public var rates: IPVSAdmListing
        public var persistent: IPVSAdmListing
        public var thresholds: IPVSAdmListing
        public var tunnels: IPVSAdmListing
        public var timeouts: [UInt64]?
        public var daemons: [[String: String]]
        public var connections: [IPVSAdmConnection]
        public var globalCounters: [UInt64]
        public var globalRates: [UInt64]
        public var tableSize: UInt64?

        init(directory: String) throws {
            func read(_ name: String) throws -> String {
                try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
            }
            list = try IPVSAdmListing(parsing: try read("list.txt"))
            stats = try IPVSAdmListing(parsing: try read("stats.txt"))
            rates = try IPVSAdmListing(parsing: try read("rate.txt"))
            persistent = try IPVSAdmListing(parsing: try read("persistent.txt"))
            thresholds = try IPVSAdmListing(parsing: try read("thresholds.txt"))
            tunnels = try IPVSAdmListing(parsing: try read("tun.txt"))
            // "Timeout (tcp tcpfin udp): 900 120 300"
            let timeoutLine = try read("timeout.txt")
            timeouts = timeoutLine.split(separator: ":").last.map { $0.split(separator: " ").compactMap { UInt64($0) } }
            // "master sync daemon (mcast=vcl, syncid=7, maxlen=1472, group=224.0.0.81, port=8848, ttl=1)"
            daemons = try read("daemon.txt").split(separator: "\n").compactMap { line in
                guard let open = line.firstIndex(of: "("), let close = line.lastIndex(of: ")") else { return nil }
                var fields: [String: String] = ["state": String(line.prefix { $0 != " " })]
                for pair in line[line.index(after: open)..<close].split(separator: ",") {
                    let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    if parts.count == 2 { fields[parts[0]] = parts[1] }
                }
                return fields
            }
            connections = try IPVSAdmConnection.parse(try read("connections.txt"))
            let statsLines = try read("ip_vs_stats.txt").split(separator: "\n", omittingEmptySubsequences: false)
            globalCounters = statsLines.count > 2 ? statsLines[2].split(separator: " ").compactMap { UInt64($0, radix: 16) } : []
            globalRates = statsLines.count > 5 ? statsLines[5].split(separator: " ").compactMap { UInt64($0, radix: 16) } : []
            let header = try read("list.txt").split(separator: "\n").first ?? ""
            if let range = header.range(of: "size=") {
                tableSize = UInt64(header[range.upperBound...].prefix { $0.isNumber })
            }
        }
    }

    public var name: String
    public var before: View
    public var after: View
    /// Source mode ("procfs", "netlink") → samples.
    public var scrapes: [String: [ExpositionSample]]

    public init(directory: String, name: String? = nil) throws {
        self.name = name ?? URL(fileURLWithPath: directory).lastPathComponent
        before = try View(directory: directory + "/before")
        after = try View(directory: directory + "/after")
        scrapes = [:]
        for mode in ["procfs", "netlink"] {
            let path = directory + "/\(mode).prom"
            if FileManager.default.fileExists(atPath: path) {
                scrapes[mode] = try ExpositionText.parse(try String(contentsOfFile: path, encoding: .utf8))
            }
        }
    }
}

/// A row of `ipvsadm -Lnc`.
public struct IPVSAdmConnection: Hashable {
    public var proto: String
    public var state: String
    public var sourcePort: UInt16
    /// Canonical `address:port` / `[address]:port`.
    public var destination: String
    public var destinationAddress: String

    /// Persistence templates: protocol `IP` (firewall mark), or client port 0 and NONE/ASSURED.
    public var isTemplate: Bool { proto == "IP" || (sourcePort == 0 && (state == "NONE" || state == "ASSURED")) }

    static func parse(_ text: String) throws -> [IPVSAdmConnection] {
        var rows: [IPVSAdmConnection] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("IPVS connection entries") && !line.hasPrefix("pro ") {
            let words = line.split(separator: " ")
            guard words.count >= 6, let source = IPVSAdmListing.canonicalAddressPort(String(words[3])),
                let destination = IPVSAdmListing.canonicalAddressPort(String(words[5])),
                let sourcePort = UInt16(source[source.index(after: source.lastIndex(of: ":")!)...])
            else { throw IPVSAdmListing.ParseError(line: 0, text: String(line)) }
            var address = String(destination[..<destination.lastIndex(of: ":")!])
            if address.hasPrefix("[") { address = String(address.dropFirst().dropLast()) }
            rows.append(
                IPVSAdmConnection(
                    proto: String(words[0]), state: String(words[2]), sourcePort: sourcePort, destination: destination,
                    destinationAddress: address))
        }
        return rows
    }
}

/// A value the exporter got wrong: which metric, which series, what ipvsadm says, what the
/// exporter said.
public struct LabMismatch: CustomStringConvertible, Hashable {
    public var capture: String
    public var mode: String
    public var metric: String
    public var labels: String
    public var expected: String
    public var actual: String

    public var description: String {
        "[\(capture), \(mode)] \(metric)\(labels): expected \(expected), exporter says \(actual)"
    }
}

/// Compares the exporter's scrape with ipvsadm's view of the same kernel.
///
/// Configuration (services, schedulers, weights, thresholds, timeouts, daemons) must be equal.
/// Anything that can move between two reads (connection counts, counters, rates) must lie
/// between the value ipvsadm read before the scrape and the one it read after. Where ipvsadm
/// itself truncates (it reads real-server counters and rates as 32 bits), the exporter's value
/// is compared modulo 2^32 as well as checked to be at least as large.
public enum LabComparison {
    public static func compare(_ capture: LabCapture) -> [LabMismatch] {
        var mismatches: [LabMismatch] = []
        for (mode, samples) in capture.scrapes.sorted(by: { $0.key < $1.key }) {
            var checker = Checker(capture: capture, mode: mode, samples: samples)
            checker.run()
            mismatches += checker.mismatches
        }
        if capture.scrapes.isEmpty {
            mismatches.append(
                LabMismatch(
                    capture: capture.name, mode: "-", metric: "(scrape)", labels: "", expected: "a scrape", actual: "none"))
        }
        return mismatches
    }

    struct Checker {
        let capture: LabCapture
        let mode: String
        let samples: [ExpositionSample]
        var mismatches: [LabMismatch] = []

        init(capture: LabCapture, mode: String, samples: [ExpositionSample]) {
            self.capture = capture
            self.mode = mode
            self.samples = samples
        }

        var netlink: Bool { mode == "netlink" }

        mutating func mismatch(_ metric: String, _ labels: String, expected: String, actual: String) {
            mismatches.append(
                LabMismatch(capture: capture.name, mode: mode, metric: metric, labels: labels, expected: expected, actual: actual)
            )
        }

        func family(_ name: String) -> [ExpositionSample] { samples.filter { $0.name == name } }

        static func serviceKey(_ labels: [String: String]) -> String? {
            guard let proto = labels["proto"], let addressText = labels["local_address"], let address = IPAddress(addressText)
            else { return nil }
            if proto == "FWM" {
                return "FWM \(labels["local_mark"] ?? "?")" + (address.family == .ipv6 ? " IPv6" : "")
            }
            guard let port = UInt16(labels["local_port"] ?? "") else { return nil }
            return "\(proto) \(SocketAddressText.format(address, port))"
        }

        static func backendKey(_ labels: [String: String]) -> String? {
            guard let address = IPAddress(labels["remote_address"] ?? ""), let port = UInt16(labels["remote_port"] ?? "") else {
                return nil
            }
            return SocketAddressText.format(address, port)
        }

        /// Samples of a family keyed by "service -> backend" (or service alone).
        func byKey(_ name: String, backend: Bool) -> [String: ExpositionSample] {
            var out: [String: ExpositionSample] = [:]
            for sample in family(name) {
                guard let service = Self.serviceKey(sample.labels) else { continue }
                if backend {
                    guard let server = Self.backendKey(sample.labels) else { continue }
                    out[service + " -> " + server] = sample
                } else {
                    out[service] = sample
                }
            }
            return out
        }

        mutating func expectBetween(
            _ metric: String, _ labels: String, _ actual: UInt64?, _ a: UInt64?, _ b: UInt64?, truncated32: Bool = false
        ) {
            guard let a, let b else {
                mismatch(metric, labels, expected: "a value ipvsadm shows", actual: actual.map(String.init) ?? "absent")
                return
            }
            guard let actual else {
                mismatch(metric, labels, expected: a == b ? "\(a)" : "\(min(a, b))…\(max(a, b))", actual: "absent")
                return
            }
            var value = actual
            if truncated32 && max(a, b) <= UInt64(UInt32.max) && actual > UInt64(UInt32.max) {
                value = actual & 0xFFFF_FFFF
            }
            if value < min(a, b) || value > max(a, b) {
                mismatch(metric, labels, expected: a == b ? "\(a)" : "\(min(a, b))…\(max(a, b))", actual: "\(actual)")
            }
        }

        mutating func run() {
            expectValue("ipvs_up", [:], "1")
            expectValue("ipvs_exporter_source_info", ["source": mode], "1")
            for sample in family("ipvs_scrape_collector_success") where sample.value != "1" {
                mismatch(sample.name, sample.labelText, expected: "1", actual: sample.value)
            }
            checkServices()
            checkBackends()
            checkGlobal()
            checkConnections()
            if netlink { checkKernelSettings() }
        }

        mutating func expectValue(_ name: String, _ labels: [String: String], _ expected: String) {
            let found = family(name).filter { sample in labels.allSatisfy { sample.labels[$0.key] == $0.value } }
            if found.count != 1 || found[0].value != expected {
                mismatch(
                    name, labels.isEmpty ? "" : ExpositionSample(name: name, labels: labels, value: "").labelText,
                    expected: expected, actual: found.isEmpty ? "absent" : found.map(\.value).joined(separator: ","))
            }
        }

        mutating func checkServices() {
            let listed = Dictionary(capture.before.list.services.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
            let info = byKey("ipvs_service_info", backend: false)
            for key in Set(listed.keys).subtracting(info.keys).sorted() {
                mismatch("ipvs_service_info", "{service=\"\(key)\"}", expected: "present (ipvsadm lists it)", actual: "absent")
            }
            for key in Set(info.keys).subtracting(listed.keys).sorted() {
                mismatch(
                    "ipvs_service_info", "{service=\"\(key)\"}", expected: "absent (ipvsadm does not list it)", actual: "present")
            }
            let timeouts = byKey("ipvs_service_persistence_timeout_seconds", backend: false)
            for (key, service) in listed.sorted(by: { $0.key < $1.key }) {
                guard let sample = info[key] else { continue }
                let labels = sample.labelText
                if sample.labels["scheduler"] != service.scheduler {
                    mismatch(
                        "ipvs_service_info", labels, expected: "scheduler=\(service.scheduler ?? "?")",
                        actual: "scheduler=\(sample.labels["scheduler"] ?? "")")
                }
                let isIPv6 = key.contains("[") || key.hasSuffix("IPv6")
                let expectedMask = service.persistentSeconds == nil ? "" : service.mask ?? (isIPv6 ? "128" : "255.255.255.255")
                if sample.labels["persistence_netmask"] != expectedMask {
                    mismatch(
                        "ipvs_service_info", labels, expected: "persistence_netmask=\(expectedMask)",
                        actual: "persistence_netmask=\(sample.labels["persistence_netmask"] ?? "")")
                }
                let actualTimeout = timeouts[key]?.value
                let expectedTimeout = service.persistentSeconds.map(String.init)
                if actualTimeout != expectedTimeout {
                    mismatch(
                        "ipvs_service_persistence_timeout_seconds", labels, expected: expectedTimeout ?? "absent",
                        actual: actualTimeout ?? "absent")
                }
                if netlink {
                    var flags: [String] = []
                    if service.persistentSeconds != nil { flags.append("persistent") }
                    if service.onePacket { flags.append("ops") }
                    flags += service.schedulerFlags
                    let expectedFlags = flags.joined(separator: ",")
                    if sample.labels["flags"] != expectedFlags {
                        mismatch(
                            "ipvs_service_info", labels, expected: "flags=\(expectedFlags)",
                            actual: "flags=\(sample.labels["flags"] ?? "")")
                    }
                    // ipvsadm -L shows the engine only for persistent services.
                    if let engine = service.persistenceEngine, sample.labels["persistence_engine"] != engine {
                        mismatch(
                            "ipvs_service_info", labels, expected: "persistence_engine=\(engine)",
                            actual: "persistence_engine=\(sample.labels["persistence_engine"] ?? "")")
                    }
                }
            }
            if netlink { checkServiceCounters(listed: listed) }
        }

        mutating func checkServiceCounters(listed: [String: IPVSAdmListing.Service]) {
            let totals = ["connections", "incoming_packets", "outgoing_packets", "incoming_bytes", "outgoing_bytes"]
            for (index, what) in totals.enumerated() {
                let counters = byKey("ipvs_service_\(what)_total", backend: false)
                let rates = byKey("ipvs_service_\(what)_per_second", backend: false)
                for key in listed.keys.sorted() {
                    expectBetween(
                        "ipvs_service_\(what)_total", "{service=\"\(key)\"}", counters[key]?.unsigned,
                        capture.before.stats.service(key)?.numbers[safe: index],
                        capture.after.stats.service(key)?.numbers[safe: index])
                    expectBetween(
                        "ipvs_service_\(what)_per_second", "{service=\"\(key)\"}", rates[key]?.unsigned,
                        capture.before.rates.service(key)?.numbers[safe: index],
                        capture.after.rates.service(key)?.numbers[safe: index])
                }
            }
        }

        /// `(service key, backend key)` → ipvsadm's row in a listing.
        static func rows(_ listing: IPVSAdmListing) -> [String: IPVSAdmListing.RealServer] {
            var out: [String: IPVSAdmListing.RealServer] = [:]
            for service in listing.services {
                for server in service.realServers { out[service.key + " -> " + server.key] = server }
            }
            return out
        }

        mutating func checkBackends() {
            let listedBefore = Self.rows(capture.before.list)
            let listedAfter = Self.rows(capture.after.list)
            let info = byKey("ipvs_backend_info", backend: true)
            for key in Set(listedBefore.keys).subtracting(info.keys).sorted() {
                mismatch("ipvs_backend_info", "{backend=\"\(key)\"}", expected: "present (ipvsadm lists it)", actual: "absent")
            }
            for key in Set(info.keys).subtracting(listedBefore.keys).sorted() {
                mismatch(
                    "ipvs_backend_info", "{backend=\"\(key)\"}", expected: "absent (ipvsadm does not list it)", actual: "present")
            }
            let weights = byKey("ipvs_backend_weight", backend: true)
            let active = byKey("ipvs_backend_connections_active", backend: true)
            let inactive = byKey("ipvs_backend_connections_inactive", backend: true)
            let tunnels = Self.rows(capture.before.tunnels)
            let tunnelInfos = byKey("ipvs_backend_tunnel_info", backend: true)
            let methods = ["Masq": "masq", "Route": "route", "Tunnel": "tunnel", "Local": "local"]
            for (key, row) in listedBefore.sorted(by: { $0.key < $1.key }) {
                guard let sample = info[key], row.columns.count >= 4 else { continue }
                let labels = sample.labelText
                let method = methods[row.columns[0]] ?? row.columns[0]
                if sample.labels["forwarding_method"] != method {
                    mismatch(
                        "ipvs_backend_info", labels, expected: "forwarding_method=\(method)",
                        actual: "forwarding_method=\(sample.labels["forwarding_method"] ?? "")")
                }
                if netlink, row.columns[0] == "Tunnel", let tunnelInfo = tunnels[key]?.columns[safe: 1] {
                    let kind = String(tunnelInfo.prefix { $0 != ":" })
                    if sample.labels["tunnel_type"] != kind {
                        mismatch(
                            "ipvs_backend_info", labels, expected: "tunnel_type=\(kind)",
                            actual: "tunnel_type=\(sample.labels["tunnel_type"] ?? "")")
                    }
                    checkTunnel(key: key, ipvsadm: tunnelInfo, served: tunnelInfos[key])
                }
                if weights[key]?.value != row.columns[1] {
                    mismatch("ipvs_backend_weight", labels, expected: row.columns[1], actual: weights[key]?.value ?? "absent")
                }
                let after = listedAfter[key]
                expectBetween(
                    "ipvs_backend_connections_active", labels, active[key]?.unsigned, UInt64(row.columns[2]),
                    after.flatMap { UInt64($0.columns[2]) })
                expectBetween(
                    "ipvs_backend_connections_inactive", labels, inactive[key]?.unsigned, UInt64(row.columns[3]),
                    after.flatMap { UInt64($0.columns[3]) })
            }
            if netlink { checkBackendNetlink(keys: listedBefore.keys.sorted()) }
        }

        /// ipvsadm's TunnelInfo column (`ipip`, `gue:6080:-c`, `gue:6080:r+c`, `gre:+c`) against
        /// `ipvs_backend_tunnel_info`'s type, port and checksum labels.
        mutating func checkTunnel(key: String, ipvsadm column: String, served sample: ExpositionSample?) {
            let parts = column.split(separator: ":").map(String.init)
            let kind = parts[0]
            let port = kind == "gue" ? (parts[safe: 1] ?? "?") : "0"
            let checksumText = kind == "ipip" ? nil : parts.last
            let checksums = ["-c": "none", "+c": "checksum", "r+c": "remote_checksum"]
            let checksum = checksumText.map { checksums[$0] ?? "unknown \($0)" } ?? "none"
            let expected = "tunnel_type=\(kind) tunnel_port=\(port) tunnel_checksum=\(checksum)"
            let actual = sample.map {
                "tunnel_type=\($0.labels["tunnel_type"] ?? "") tunnel_port=\($0.labels["tunnel_port"] ?? "") "
                    + "tunnel_checksum=\($0.labels["tunnel_checksum"] ?? "")"
            }
            if actual != expected {
                mismatch("ipvs_backend_tunnel_info", "{backend=\"\(key)\"}", expected: expected, actual: actual ?? "absent")
            }
        }

        mutating func checkBackendNetlink(keys: [String]) {
            let persistentBefore = Self.rows(capture.before.persistent)
            let persistentAfter = Self.rows(capture.after.persistent)
            let thresholds = Self.rows(capture.before.thresholds)
            let persistent = byKey("ipvs_backend_connections_persistent", backend: true)
            let upper = byKey("ipvs_backend_upper_threshold", backend: true)
            let lower = byKey("ipvs_backend_lower_threshold", backend: true)
            let statsBefore = Self.rows(capture.before.stats)
            let statsAfter = Self.rows(capture.after.stats)
            let ratesBefore = Self.rows(capture.before.rates)
            let ratesAfter = Self.rows(capture.after.rates)
            let totals = ["connections", "incoming_packets", "outgoing_packets", "incoming_bytes", "outgoing_bytes"]
            for key in keys {
                let labels = "{backend=\"\(key)\"}"
                // --persistent-conn: Weight PersistConn ActiveConn InActConn
                expectBetween(
                    "ipvs_backend_connections_persistent", labels, persistent[key]?.unsigned,
                    persistentBefore[key]?.numbers[safe: 1], persistentAfter[key]?.numbers[safe: 1])
                // --thresholds: Uthreshold Lthreshold ActiveConn InActConn. 0 is "no threshold",
                // which the exporter leaves out rather than serve.
                for (family, served, column) in [
                    ("ipvs_backend_upper_threshold", upper[key], 0), ("ipvs_backend_lower_threshold", lower[key], 1),
                ] {
                    let expected = thresholds[key]?.numbers[safe: column]
                    let wanted = expected == 0 ? nil : expected
                    if served?.unsigned != wanted || (wanted == nil && served != nil) {
                        mismatch(
                            family, labels, expected: wanted.map(String.init) ?? (expected == nil ? "?" : "absent (0)"),
                            actual: served?.value ?? "absent")
                    }
                }
                for (index, what) in totals.enumerated() {
                    // ipvsadm 1.31 reads real-server conns, packets and all rates as 32 bits.
                    let truncated = !what.hasSuffix("bytes")
                    expectBetween(
                        "ipvs_backend_\(what)_total", labels, byKey("ipvs_backend_\(what)_total", backend: true)[key]?.unsigned,
                        statsBefore[key]?.numbers[safe: index], statsAfter[key]?.numbers[safe: index], truncated32: truncated)
                    expectBetween(
                        "ipvs_backend_\(what)_per_second", labels,
                        byKey("ipvs_backend_\(what)_per_second", backend: true)[key]?.unsigned,
                        ratesBefore[key]?.numbers[safe: index], ratesAfter[key]?.numbers[safe: index], truncated32: true)
                }
            }
        }

        mutating func checkGlobal() {
            let names = ["connections", "incoming_packets", "outgoing_packets", "incoming_bytes", "outgoing_bytes"]
            for (index, what) in names.enumerated() {
                expectBetween(
                    "ipvs_\(what)_total", "", family("ipvs_\(what)_total").first?.unsigned,
                    capture.before.globalCounters[safe: index], capture.after.globalCounters[safe: index])
                expectBetween(
                    "ipvs_\(what)_per_second", "", family("ipvs_\(what)_per_second").first?.unsigned,
                    capture.before.globalRates[safe: index], capture.after.globalRates[safe: index])
            }
            if let size = capture.before.tableSize {
                expectValue("ipvs_connection_table_size", [:], String(size))
            }
        }

        /// The connection table, independently of how the exporter attributes entries: per real
        /// server address and state, the exporter's counts must match `ipvsadm -Lnc`; per real
        /// server, its non-template entries must add up to ipvsadm's ActiveConn + InActConn.
        mutating func checkConnections() {
            func tally(_ rows: [IPVSAdmConnection], templates: Bool) -> [String: UInt64] {
                var out: [String: UInt64] = [:]
                for row in rows where row.isTemplate == templates {
                    out[templates ? row.destinationAddress : row.destinationAddress + " " + row.state, default: 0] += 1
                }
                return out
            }
            var exported: [String: UInt64] = [:]
            var perBackend: [String: UInt64] = [:]
            for sample in family("ipvs_connections") {
                guard let address = sample.labels["remote_address"], let state = sample.labels["state"],
                    let value = sample.unsigned,
                    let service = Self.serviceKey(sample.labels), let backend = Self.backendKey(sample.labels)
                else { continue }
                exported[address + " " + state, default: 0] += value
                perBackend[service + " -> " + backend, default: 0] += value
            }
            let before = tally(capture.before.connections, templates: false)
            let after = tally(capture.after.connections, templates: false)
            for key in Set(before.keys).union(after.keys).union(exported.keys).sorted() {
                expectBetween(
                    "ipvs_connections", "{remote_address+state=\"\(key)\"}", exported[key] ?? 0, before[key] ?? 0, after[key] ?? 0
                )
            }
            var templates: [String: UInt64] = [:]
            for sample in family("ipvs_persistence_templates") {
                if let address = sample.labels["remote_address"], let value = sample.unsigned {
                    templates[address, default: 0] += value
                }
            }
            let templatesBefore = tally(capture.before.connections, templates: true)
            let templatesAfter = tally(capture.after.connections, templates: true)
            for key in Set(templatesBefore.keys).union(templatesAfter.keys).union(templates.keys).sorted() {
                expectBetween(
                    "ipvs_persistence_templates", "{remote_address=\"\(key)\"}", templates[key] ?? 0, templatesBefore[key] ?? 0,
                    templatesAfter[key] ?? 0)
            }
            let listedBefore = Self.rows(capture.before.list)
            let listedAfter = Self.rows(capture.after.list)
            for (key, row) in listedBefore.sorted(by: { $0.key < $1.key }) {
                let a = (row.numbers[safe: 1] ?? 0) + (row.numbers[safe: 2] ?? 0)
                let b = listedAfter[key].map { ($0.numbers[safe: 1] ?? 0) + ($0.numbers[safe: 2] ?? 0) } ?? a
                expectBetween("sum by (backend) (ipvs_connections)", "{backend=\"\(key)\"}", perBackend[key] ?? 0, a, b)
            }
        }

        mutating func checkKernelSettings() {
            if let timeouts = capture.before.timeouts, timeouts.count == 3 {
                for (name, value) in zip(["tcp", "tcpfin", "udp"], timeouts) {
                    expectValue("ipvs_timeout_seconds", ["protocol": name], String(value))
                }
            }
            let daemons = family("ipvs_sync_daemon_info")
            if daemons.count != capture.before.daemons.count {
                mismatch(
                    "ipvs_sync_daemon_info", "", expected: "\(capture.before.daemons.count) daemons", actual: "\(daemons.count)")
            }
            for daemon in capture.before.daemons {
                expectValue(
                    "ipvs_sync_daemon_info",
                    ["state": daemon["state"] ?? "", "interface": daemon["mcast"] ?? "", "syncid": daemon["syncid"] ?? ""], "1")
            }
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
