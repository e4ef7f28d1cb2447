import IPVSModel

/// The kernel's MARK operation: `mark = (mark & ~mask) ^ value`.
public struct MarkOperation: Sendable, Hashable, CustomStringConvertible {
    public var value: UInt32
    public var mask: UInt32
    /// How the rule wrote it (`--set-xmark 0x1/0xffffffff`, `--or-mark 0x2`).
    public var written: String

    /// Whether this operation helps a packet carry exactly `mark`: it leaves the bits it sets
    /// as `mark` has them and sets at least one bit of `mark`. An XOR (`--xor-mark`, mask 0),
    /// a clear, or a bit another program owns (kube-proxy's `0x4000/0x4000` for `mark` 1) only
    /// ever could by accident, and is no MARK rule for that service.
    public func canProduce(_ mark: UInt32) -> Bool {
        value & mask == mark & mask && value & mask & mark != 0
    }

    public var setsWholeMark: Bool { mask == UInt32.max }

    public var description: String { "0x\(String(value, radix: 16))/0x\(String(mask, radix: 16))" }
}
