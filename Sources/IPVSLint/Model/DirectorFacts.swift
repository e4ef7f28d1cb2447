public import IPVSModel

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
        DirectorFacts(
            kernel: kernel ?? other.kernel, healthChecker: healthChecker ?? other.healthChecker,
            vrrpRole: vrrpRole ?? other.vrrpRole)
    }

    /// True when something is said to remove failed real servers.
    public var healthCheckerRemovesServers: Bool {
        guard let healthChecker else { return false }
        return healthChecker.lowercased() != "none"
    }
}
