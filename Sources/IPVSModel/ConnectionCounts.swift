/// The connection table reduced to counts.
public struct ConnectionCounts: Hashable, Sendable {
    public var groups: [ConnectionGroup: UInt64]
    /// Entry lines read (the header excluded).
    public var entries: UInt64

    public init(groups: [ConnectionGroup: UInt64] = [:], entries: UInt64 = 0) {
        self.groups = groups
        self.entries = entries
    }
}
