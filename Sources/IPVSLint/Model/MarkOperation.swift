import IPVSModel

/// The kernel's MARK operation: `mark = (mark & ~mask) ^ value`.
public struct MarkOperation: Sendable, Hashable, CustomStringConvertible {
    public var value: UInt32
    public var mask: UInt32
    /// How the rule wrote it (`--set-xmark 0x1/0xffffffff`, `--or-mark 0x2`).
    public var written: String

    /// Whether the packet can carry exactly `mark` after this operation.
    public func canProduce(_ mark: UInt32) -> Bool {
        value & mask == mark & mask
    }

    public var setsWholeMark: Bool { mask == UInt32.max }

    public var description: String { "0x\(String(value, radix: 16))/0x\(String(mask, radix: 16))" }
}
