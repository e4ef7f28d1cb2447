import IPVSModel

/// A chain declaration: `:INPUT DROP [0:0]`, `:IPVS-FWM - [0:0]`, `-N CHAIN`.
public struct IPTablesChain: Sendable, Hashable {
    public var name: String
    /// nil for user chains (`-`).
    public var policy: String?
    public var location: SourceLocation
}
