/// The IPVS sysctls of one network namespace (`/proc/sys/net/ipv4/vs/*`), as text.
///
/// Values are kept as the kernel prints them (trailing newline removed) so that nothing is
/// lost; ``integer(_:)`` reads the numeric ones.
public struct IPVSSysctls: Hashable, Sendable {
    public var values: [String: String]

    public init(values: [String: String]) {
        self.values = values
    }

    /// Sysctls whose value is not one integer: `sync_threshold` holds two, `est_cpulist` (6.2
    /// and later) a CPU list. A one-CPU director's list reads `0`, which is no number either.
    public static let textual: Set<String> = ["sync_threshold", "est_cpulist"]

    /// The newest kernel release that lacks an IPVS sysctl, for those added since 5.x:
    /// `run_estimation` came with 5.18, `est_cpulist` and `est_nice` with 6.2 (the estimator's
    /// kernel threads). Nil for the others, which every kernel this project supports has.
    /// The lab checks the three on Debian's 5.10, 6.1 and 6.12.
    public static func lackingThrough(_ name: String) -> KernelRelease? {
        switch name {
        case "run_estimation": KernelRelease(major: 5, minor: 17)
        case "est_cpulist", "est_nice": KernelRelease(major: 6, minor: 1)
        default: nil
        }
    }

    /// The value of a sysctl that holds one integer; nil for ``textual`` names and values that
    /// are not an integer.
    public func integer(_ name: String) -> Int64? {
        guard !Self.textual.contains(name) else { return nil }
        return values[name].flatMap { Int64($0) }
    }

    /// `sync_threshold` is two integers separated by a tab: threshold and period.
    public var syncThreshold: (threshold: Int64, period: Int64)? {
        guard let parts = values["sync_threshold"]?.split(whereSeparator: { $0 == "\t" || $0 == " " }), parts.count == 2,
            let threshold = Int64(parts[0]), let period = Int64(parts[1])
        else { return nil }
        return (threshold, period)
    }
}
