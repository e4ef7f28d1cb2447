import IPVSModel
import SystemSupport

/// The IPVS files of one /proc tree.
///
/// Rooted at `--path.procfs` (default `/proc`) so that every reader runs unchanged on fixture
/// trees. Each method reads one file with ``Files`` and hands the bytes to a pure parser.
public struct ProcFS: Sendable, Hashable {
    /// The procfs mount point.
    public var root: String
    /// Where the network files live relative to `root`: `net` normally; `thread-self/net` when
    /// the reading thread has entered another network namespace (`/proc/net` follows the
    /// process's namespace, `/proc/thread-self/net` the thread's).
    public var netDirectory: String

    public init(root: String = "/proc", netDirectory: String = "net") {
        var trimmed = root
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.root = trimmed
        self.netDirectory = netDirectory
    }

    public func path(_ relative: String) -> String {
        root == "/" ? "/" + relative : root + "/" + relative
    }

    public func netPath(_ name: String) -> String {
        path(netDirectory + "/" + name)
    }

    /// `net/ip_vs`. Throws ``ProcFSError/notFound(path:)`` when the ip_vs module is not loaded.
    public func serviceTable(hz: UInt32?) throws(ProcFSError) -> ServiceTable {
        let file = netPath("ip_vs")
        let bytes = try Self.read(file)
        do throws(ProcParseError) { return try ServiceTableParser.parse(bytes, file: file, hz: hz) } catch { throw .parse(error) }
    }

    /// `net/ip_vs_stats`.
    public func globalStats() throws(ProcFSError) -> GlobalStats {
        let file = netPath("ip_vs_stats")
        let bytes = try Self.read(file, limit: 1 << 20)
        do throws(ProcParseError) { return try GlobalStatsParser.parse(bytes, file: file) } catch { throw .parse(error) }
    }

    /// `net/ip_vs_stats_percpu`.
    public func perCPUStats() throws(ProcFSError) -> PerCPUStats {
        let file = netPath("ip_vs_stats_percpu")
        let bytes = try Self.read(file, limit: 4 << 20)
        do throws(ProcParseError) { return try PerCPUStatsParser.parse(bytes, file: file) } catch { throw .parse(error) }
    }

    /// `net/ip_vs_conn`, streamed, abandoned after `budget` when one is given.
    public func connectionCounts(budget: Duration? = nil) throws(ProcFSError) -> ConnectionCounts {
        try ConnectionTableParser.read(path: netPath("ip_vs_conn"), budget: budget)
    }

    /// `sys/net/ipv4/vs/*`. Throws ``ProcFSError/notFound(path:)`` when the directory is absent.
    public func sysctls() throws(ProcFSError) -> IPVSSysctls {
        let directory = path("sys/net/ipv4/vs")
        guard let names = try Self.list(directory) else { throw .file(.notFound(path: directory)) }
        var values: [String: String] = [:]
        for name in names {
            let file = directory + "/" + name
            let bytes = try Self.read(file, limit: 64 << 10)
            do throws(ProcParseError) {
                values[name] = try SysctlParser.parse(bytes, name: name, file: file)
            } catch {
                throw .parse(error)
            }
        }
        return IPVSSysctls(values: values)
    }

    private static func read(_ file: String, limit: Int = 256 << 20) throws(ProcFSError) -> [UInt8] {
        do throws(FileError) { return try Files.read(file, limit: limit) } catch { throw .file(error) }
    }

    private static func list(_ directory: String) throws(ProcFSError) -> [String]? {
        do throws(FileError) { return try Files.list(directory) } catch { throw .file(error) }
    }
}
