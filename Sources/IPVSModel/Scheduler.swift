/// An IPVS scheduler, by the name the kernel module registers (`ip_vs_<name>.ko`).
///
/// Not a closed enum: the kernel reports whatever scheduler module is loaded, and a director may
/// run an out-of-tree one, so any name is a valid value. What the project knows about the
/// mainline ones — which hash, which read weights, which take `-b` flags — lives here and only
/// here, so the exporter, the lint rules and the parsers never compare name strings of their own.
public struct Scheduler: Hashable, Sendable, Comparable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The kernel's name (`wlc`, `sh`, …): what ipvsadm's `-s`, keepalived's `lb_algo`, /proc and
    /// netlink all spell.
    public let name: String

    public init(_ name: String) {
        self.name = name
    }

    public init(stringLiteral name: String) {
        self.name = name
    }

    public var description: String { name }

    public static func < (lhs: Scheduler, rhs: Scheduler) -> Bool { lhs.name < rhs.name }

    public static let roundRobin: Scheduler = "rr"
    public static let weightedRoundRobin: Scheduler = "wrr"
    public static let leastConnection: Scheduler = "lc"
    public static let weightedLeastConnection: Scheduler = "wlc"
    public static let localityBasedLeastConnection: Scheduler = "lblc"
    public static let localityBasedLeastConnectionWithReplication: Scheduler = "lblcr"
    public static let destinationHashing: Scheduler = "dh"
    public static let sourceHashing: Scheduler = "sh"
    public static let shortestExpectedDelay: Scheduler = "sed"
    public static let neverQueue: Scheduler = "nq"
    public static let weightedFailover: Scheduler = "fo"
    public static let weightedOverflow: Scheduler = "ovf"
    public static let maglevHashing: Scheduler = "mh"
    public static let weightedRandomTwoChoices: Scheduler = "twos"

    /// The newest kernel release known to lack this scheduler, for the two that came after
    /// 4.x: `mh` came with 4.18; `twos` is not in 5.10 and is in 6.1's sources (which a
    /// distribution may still leave out: Debian 12's 6.1 does). Nil for the rest, which every
    /// kernel this project supports has.
    public var lackingThrough: KernelRelease? {
        switch self {
        case .maglevHashing: KernelRelease(major: 4, minor: 17)
        case .weightedRandomTwoChoices: KernelRelease(major: 5, minor: 10)
        default: nil
        }
    }

    /// What ipvsadm and the kernel use when none is given.
    public static let `default` = weightedLeastConnection

    /// Every scheduler in the mainline kernel's `net/netfilter/ipvs/` (6.x).
    public static let mainline: [Scheduler] = [
        .roundRobin, .weightedRoundRobin, .leastConnection, .weightedLeastConnection, .localityBasedLeastConnection,
        .localityBasedLeastConnectionWithReplication, .destinationHashing, .sourceHashing, .shortestExpectedDelay,
        .neverQueue, .weightedFailover, .weightedOverflow, .maglevHashing, .weightedRandomTwoChoices,
    ]

    /// Chooses by the packet's destination address (`dh`, `lblc`, `lblcr`): on a service with a
    /// single VIP every connection hashes alike.
    public var hashesDestination: Bool {
        self == .destinationHashing || self == .localityBasedLeastConnection
            || self == .localityBasedLeastConnectionWithReplication
    }

    /// Its own name for scheduler flags 1 and 2 (`sh-fallback`, `mh-port`…): `sh` and `mh`.
    /// Other schedulers' flags are `flag-1`…`flag-3`.
    public var hasNamedFlags: Bool { self == .sourceHashing || self == .maglevHashing }

    /// Keeps hashing clients to a real server at weight 0 unless told to fall back: `sh` and
    /// `mh` without their `-fallback` flag, and `dh`, which has none.
    public var hashesWithoutFallback: Bool { self == .destinationHashing || hasNamedFlags }

    /// Only tells weight 0 from the rest (`rr`, `lc`, `dh`); the weighted counterpart where one
    /// exists.
    public var ignoresWeights: Bool {
        self == .roundRobin || self == .leastConnection || self == .destinationHashing
    }

    /// `wrr` for `rr`, `wlc` for `lc`; nil where there is none.
    public var weightedCounterpart: Scheduler? {
        switch self {
        case .roundRobin: .weightedRoundRobin
        case .leastConnection: .weightedLeastConnection
        default: nil
        }
    }

    /// Every name ipvsadm's `-b` and keepalived's flag keywords accept.
    public static let flagNames: Set<String> = ["sh-fallback", "sh-port", "mh-fallback", "mh-port", "flag-1", "flag-2", "flag-3"]

    /// The name of a scheduler flag (1…3) for this scheduler, as ipvsadm prints it.
    public func flagName(_ number: Int) -> String {
        switch (number, hasNamedFlags) {
        case (1, true): "\(name)-fallback"
        case (2, true): "\(name)-port"
        default: "flag-\(number)"
        }
    }

    /// The flag's scheduler when it is one of the named ones (`sh-port` → `sh`), else nil.
    public static func owner(ofFlag flag: String) -> Scheduler? {
        if flag.hasPrefix("sh-") { return .sourceHashing }
        if flag.hasPrefix("mh-") { return .maglevHashing }
        return nil
    }
}
