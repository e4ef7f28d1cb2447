/// A director's role in its VRRP pair.
public enum VRRPRole: String, Sendable, Hashable, CaseIterable {
    case master
    case backup
}
