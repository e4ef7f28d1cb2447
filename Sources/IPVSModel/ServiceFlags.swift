/// Service flags as the kernel reports them over netlink (`IP_VS_SVC_F_*`), HASHED removed.
public struct ServiceFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let persistent = ServiceFlags(rawValue: 0x0001)
    /// Internal to the kernel (the service is in its hash table); never meaningful to users.
    public static let hashed = ServiceFlags(rawValue: 0x0002)
    public static let onePacket = ServiceFlags(rawValue: 0x0004)
    public static let scheduler1 = ServiceFlags(rawValue: 0x0008)
    public static let scheduler2 = ServiceFlags(rawValue: 0x0010)
    public static let scheduler3 = ServiceFlags(rawValue: 0x0020)

    /// Names as ipvsadm uses them, comma-joined in a fixed order: `persistent`, `ops`, then
    /// the scheduler flags (`sh-fallback`/`sh-port` for sh, `mh-…` for mh, `flag-N` otherwise).
    public func names(scheduler: Scheduler) -> [String] {
        var out: [String] = []
        if contains(.persistent) { out.append("persistent") }
        if contains(.onePacket) { out.append("ops") }
        if contains(.scheduler1) { out.append(scheduler.flagName(1)) }
        if contains(.scheduler2) { out.append(scheduler.flagName(2)) }
        if contains(.scheduler3) { out.append(scheduler.flagName(3)) }
        return out
    }
}
