/// Facts about a director that none of its files hold, stated in `.ipvs-lint.yaml` under
/// `facts:`. Rules that depend on one are skipped, not guessed, when it is absent.
public struct DirectorFacts: Sendable, Hashable {
    /// The kernel release the rules will run on (`kernel: "5.4"`).
    public var kernel: KernelRelease?
    /// What removes failed real servers (`health-checker: keepalived`); `none` when nothing does.
    public var healthChecker: String?
    /// The VRRP role of this director (`vrrp-role: master`).
    public var vrrpRole: VRRPRole?

    public init(kernel: KernelRelease? = nil, healthChecker: String? = nil, vrrpRole: VRRPRole? = nil) {
        self.kernel = kernel
        self.healthChecker = healthChecker
        self.vrrpRole = vrrpRole
    }

    /// These facts, with those missing taken from `other`: what is known first-hand (`--live`
    /// reads the kernel release) wins over what a configuration file states.
    public func filled(from other: DirectorFacts) -> DirectorFacts {
        DirectorFacts(kernel: kernel ?? other.kernel, healthChecker: healthChecker ?? other.healthChecker, vrrpRole: vrrpRole ?? other.vrrpRole)
    }

    /// True when something is said to remove failed real servers.
    public var healthCheckerRemovesServers: Bool {
        guard let healthChecker else { return false }
        return healthChecker.lowercased() != "none"
    }
}

/// A kernel release as far as behaviour goes: major and minor (`5.4`, `6.1.0-21-amd64` → 6.1).
public struct KernelRelease: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(major: Int, minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// `5.4`, `5.10.0-21-amd64`, `6.1`; nil for anything that does not start with MAJOR.MINOR.
    public init?(_ text: String) {
        let numbers = text.split(separator: ".", maxSplits: 2, omittingEmptySubsequences: false)
        guard numbers.count >= 2, let major = Int(numbers[0]), major >= 2, major < 100 else { return nil }
        let minorDigits = numbers[1].prefix { $0.isASCII && $0.isNumber }
        guard !minorDigits.isEmpty, minorDigits.count <= 3, let minor = Int(minorDigits) else { return nil }
        // After the minor's digits: nothing, or a separator ("-rc1", "+"); ".0-21-amd64" is the
        // third part, already split off.
        let rest = numbers[1].dropFirst(minorDigits.count)
        guard rest.isEmpty || ["-", "+", "_"].contains(rest.first!) else { return nil }
        self.init(major: major, minor: minor)
    }

    public var description: String { "\(major).\(minor)" }

    public static func < (lhs: KernelRelease, rhs: KernelRelease) -> Bool {
        (lhs.major, lhs.minor) < (rhs.major, rhs.minor)
    }
}

/// A director's role in its VRRP pair.
public enum VRRPRole: String, Sendable, Hashable, CaseIterable {
    case master
    case backup
}
