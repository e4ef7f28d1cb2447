/// What `ipvs_exporter_build_info` and `--version` report.
public struct BuildInfo: Sendable, Hashable {
    public var version: String
    public var revision: String
    public var swiftVersion: String

    public init(version: String, revision: String, swiftVersion: String) {
        self.version = version
        self.revision = revision
        self.swiftVersion = swiftVersion
    }

    /// This build: the version is the `VERSION` file's, the revision git's (both written by the
    /// GitRevision plugin).
    public static let current = BuildInfo(
        version: PackageVersion.value, revision: GitRevision.value, swiftVersion: compilerVersion)

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
