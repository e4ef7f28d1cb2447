/// What `ipvs_exporter_build_info` and `--version` report.
public struct BuildInfo: Sendable, Hashable {
    public var version: String
    public var revision: String
    /// The git branch built, `HEAD` for a detached checkout.
    public var branch: String
    /// The commit's date, UTC, as Prometheus' `--version` prints its build date.
    public var date: String
    public var swiftVersion: String

    public init(version: String, revision: String, branch: String = "unknown", date: String = "unknown", swiftVersion: String) {
        self.version = version
        self.revision = revision
        self.branch = branch
        self.date = date
        self.swiftVersion = swiftVersion
    }

    /// `linux/amd64`, in Go's names as every other exporter's `--version` says it.
    public static var platform: String { "linux/" + architecture }

    static var architecture: String {
        #if arch(x86_64)
            "amd64"
        #elseif arch(arm64)
            "arm64"
        #else
            "unknown"
        #endif
    }

    /// `--version` in the form of the Prometheus exporters (prometheus/common's version.Print).
    public var versionText: String {
        """
        ipvs_exporter, version \(version) (branch: \(branch), revision: \(revision))
          build date:       \(date)
          swift version:    \(swiftVersion)
          platform:         \(Self.platform)
        """
    }

    /// This build: the version is the `VERSION` file's, the revision git's (both written by the
    /// GitRevision plugin).
    public static let current = BuildInfo(
        version: PackageVersion.value, revision: GitRevision.value, branch: GitRevision.branch, date: GitRevision.date,
        swiftVersion: compilerVersion)

    /// The compiler that built this binary, to minor version.
    static var compilerVersion: String {
        #if compiler(>=6.5)
            "6.5+"
        #elseif compiler(>=6.4)
            "6.4"
        #elseif compiler(>=6.3)
            "6.3"
        #elseif compiler(>=6.2)
            "6.2"
        #else
            "6.1"
        #endif
    }
}
