import IPVSModel

/// One option of a match or a target, with its values: `--dports 80,443`, `! --mark 0x6`.
public struct ModuleOption: Sendable, Hashable {
    public var name: String
    public var negated: Bool
    public var values: [String]
    public var location: SourceLocation
}
