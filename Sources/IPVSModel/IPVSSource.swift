/// Which kernel interface a reader uses.
public enum IPVSSource: String, Sendable, Hashable, CaseIterable {
    case netlink
    case procfs
}
