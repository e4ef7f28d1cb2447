import Glibc
import SystemSupport

/// The exporter's own resource use, as every Prometheus client library reports it
/// (`process_cpu_seconds_total`, memory, file descriptors, start time).
///
/// Always read from the real `/proc/self`, never from `--path.procfs`, which may be a
/// fixture tree. Turned off with `--web.disable-exporter-metrics`.
public struct ProcessStats: Hashable, Sendable {
    public var cpuSeconds: Double
    public var residentBytes: UInt64
    public var virtualBytes: UInt64
    public var startTimeSeconds: Double
    public var openFDs: UInt64?
    public var maxFDs: UInt64?
    public var virtualMemoryMaxBytes: UInt64?

    /// Parses `/proc/self/stat`, `/proc/self/limits` and `btime` from `/proc/stat`.
    ///
    /// - Returns: nil when a file does not have the expected shape.
    public static func parse(
        stat: [UInt8], limits: [UInt8]?, procStat: [UInt8], clockTicks: Int, pageSize: Int, openFDs: UInt64?
    ) -> ProcessStats? {
        // The command name is in parentheses and may contain spaces and ')', so fields are
        // counted from the last ')'.
        guard let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        let fields = stat[(close + 1)...].split(whereSeparator: { $0 == 0x20 || $0 == 0x0A })
        // fields[0] is the state (field 3 of proc(5)); utime is field 14, stime 15,
        // starttime 22, vsize 23, rss 24.
        guard fields.count >= 22, clockTicks > 0,
            let utime = parseDecimal(fields[11], as: UInt64.self), let stime = parseDecimal(fields[12], as: UInt64.self),
            let start = parseDecimal(fields[19], as: UInt64.self), let vsize = parseDecimal(fields[20], as: UInt64.self),
            let rss = parseDecimal(fields[21], as: Int64.self)
        else { return nil }
        var bootTime: UInt64?
        for line in procStat.split(separator: 0x0A) where line.starts(with: "btime ".utf8) {
            bootTime = parseDecimal(line.dropFirst(6), as: UInt64.self)
        }
        guard let bootTime else { return nil }
        var maxFDs: UInt64?
        var addressSpace: UInt64?
        if let limits {
            for line in limits.split(separator: 0x0A) {
                let words = line.split(separator: 0x20)
                if line.starts(with: "Max open files".utf8), words.count >= 4 {
                    maxFDs = parseDecimal(words[3], as: UInt64.self)
                } else if line.starts(with: "Max address space".utf8), words.count >= 4 {
                    addressSpace = parseDecimal(words[3], as: UInt64.self)  // "unlimited" stays nil
                }
            }
        }
        let ticks = Double(clockTicks)
        return ProcessStats(
            cpuSeconds: Double(utime + stime) / ticks, residentBytes: UInt64(max(rss, 0)) * UInt64(pageSize),
            virtualBytes: vsize, startTimeSeconds: Double(bootTime) + Double(start) / ticks, openFDs: openFDs,
            maxFDs: maxFDs, virtualMemoryMaxBytes: addressSpace)
    }

    /// Reads the running process.
    public static func current() -> ProcessStats? {
        guard let stat = try? Files.read("/proc/self/stat", limit: 1 << 16),
            let procStat = try? Files.read("/proc/stat", limit: 4 << 20)
        else { return nil }
        let limits = try? Files.read("/proc/self/limits", limit: 1 << 16)
        let fds = (try? Files.list("/proc/self/fd")).flatMap { $0 }.map { UInt64($0.count) }
        return parse(
            stat: stat, limits: limits, procStat: procStat, clockTicks: sysconf(Int32(_SC_CLK_TCK)),
            pageSize: sysconf(Int32(_SC_PAGESIZE)), openFDs: fds)
    }

    func add(to metrics: inout MetricSet) {
        metrics.add(MetricCatalog.processCPU, .none, .double(cpuSeconds))
        metrics.add(MetricCatalog.processResidentMemory, .none, .unsigned(residentBytes))
        metrics.add(MetricCatalog.processVirtualMemory, .none, .unsigned(virtualBytes))
        metrics.add(MetricCatalog.processStartTime, .none, .double(startTimeSeconds))
        if let openFDs { metrics.add(MetricCatalog.processOpenFDs, .none, .unsigned(openFDs)) }
        if let maxFDs { metrics.add(MetricCatalog.processMaxFDs, .none, .unsigned(maxFDs)) }
        if let virtualMemoryMaxBytes {
            metrics.add(MetricCatalog.processVirtualMemoryMax, .none, .unsigned(virtualMemoryMaxBytes))
        }
    }
}
