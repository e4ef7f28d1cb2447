import IPVSModel

/// `-m NAME --option value…`; implicit protocol matches (`-p tcp --dport 80`) are named after
/// the protocol.
public struct MatchModule: Sendable, Hashable {
    public var name: String
    public var options: [ModuleOption]

    public func option(_ name: String) -> ModuleOption? { options.first { $0.name == name } }
}
