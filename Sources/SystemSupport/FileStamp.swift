/// What identifies one version of a file without reading it: device, inode, size and
/// modification time (see ``Files/stamp(_:)``).
public struct FileStamp: Equatable, Hashable, Sendable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var modifiedSeconds: Int64
    public var modifiedNanoseconds: Int64
}
