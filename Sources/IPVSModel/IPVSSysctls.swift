/// The IPVS sysctls of one network namespace (`/proc/sys/net/ipv4/vs/*`), as text.
///
/// Values are kept as the kernel prints them (trailing newline removed) so that nothing is
/// lost; ``integer(_:)`` reads the numeric ones.
public struct IPVSSysctls: Hashable, Sendable {
    public var values: [String: String]

    public init(values: [String: String]) {
        self.values = values
    }

    public func integer(_ name: String) -> Int64? {
        values[name].flatMap { Int64($0) }
    }

    /// `sync_threshold` is two integers separated by a tab: threshold and period.
    public var syncThreshold: (threshold: Int64, period: Int64)? {
        guard let parts = values["sync_threshold"]?.split(whereSeparator: { $0 == "\t" || $0 == " " }), parts.count == 2,
            let threshold = Int64(parts[0]), let period = Int64(parts[1])
        else { return nil }
        return (threshold, period)
    }
}
