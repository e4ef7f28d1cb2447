import SystemSupport
import Zlib

/// The kernel's tick rate (CONFIG_HZ), needed to turn /proc's persistence timeouts from
/// jiffies into seconds.
///
/// Userspace has no call that returns it: `getconf CLK_TCK` is USER_HZ (100), a different
/// number. It is taken only from the kernel's own build configuration, so that a timeout is
/// never scaled by a guess.
public struct KernelHZ: Hashable, Sendable {
    public var hz: UInt32
    /// The file it was read from.
    public var source: String

    public init(hz: UInt32, source: String) {
        self.hz = hz
        self.source = source
    }

    /// Finds `CONFIG_HZ=N` in the text of a kernel config.
    public static func parseConfig(_ bytes: [UInt8]) -> UInt32? {
        var cursor = LineCursor(file: "", bytes: bytes)
        while let line = cursor.next() {
            if line.starts(with: "CONFIG_HZ=".utf8) {
                return parseDecimal(line.dropFirst(10), as: UInt32.self).flatMap { $0 > 0 ? $0 : nil }
            }
        }
        return nil
    }

    /// Looks in `<procfs>/config.gz` (CONFIG_IKCONFIG_PROC) and in
    /// `<boot>/config-<release>`, the release read from `<procfs>/sys/kernel/osrelease` so that a
    /// fixture tree never picks up the host's config.
    public static func detect(procfs: ProcFS, bootDirectory: String) -> KernelHZ? {
        let configGz = procfs.path("config.gz")
        if let compressed = try? Files.read(configGz, limit: 4 << 20),
            let text = try? Gzip.decompress(compressed, limit: 64 << 20), let hz = parseConfig(text)
        {
            return KernelHZ(hz: hz, source: configGz)
        }
        guard let release = try? Files.read(procfs.path("sys/kernel/osrelease"), limit: 4096) else { return nil }
        let name = String(decoding: release.prefix { $0 != 0x0A }, as: UTF8.self)
        guard !name.isEmpty, !name.contains("/") else { return nil }
        let config = bootDirectory + "/config-" + name
        if let text = try? Files.read(config, limit: 16 << 20), let hz = parseConfig(text) {
            return KernelHZ(hz: hz, source: config)
        }
        return nil
    }
}
