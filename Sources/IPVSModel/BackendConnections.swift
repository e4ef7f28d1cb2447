/// Connection-table counts attributed to the real servers they belong to.
public struct BackendConnections: Hashable, Sendable {
    /// Entries by backend and state, persistence templates excluded.
    public var byState: [BackendID: [String: UInt64]]
    /// Persistence templates by backend.
    public var templates: [BackendID: UInt64]
    /// Groups that matched no configured real server (its server or service was removed and
    /// the entries have not expired yet, or the match was ambiguous). They are kept under
    /// labels built from the entry itself.
    public var unmatchedGroups: Int

    public init(byState: [BackendID: [String: UInt64]] = [:], templates: [BackendID: UInt64] = [:], unmatchedGroups: Int = 0) {
        self.byState = byState
        self.templates = templates
        self.unmatchedGroups = unmatchedGroups
    }
}
