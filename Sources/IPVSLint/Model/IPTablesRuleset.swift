public import IPVSModel

/// An `iptables-save` or `ip6tables-save` file.
public struct IPTablesRuleset: Sendable, Hashable {
    public var file: SourceFile
    public var family: IPAddress.Family
    public private(set) var tables: [IPTablesTable] = []
    /// The MARK rules of every table: a handful among thousands of rules, which several rules
    /// search once per firewall-mark service, so they are set aside as tables are added.
    public private(set) var markRules: [IPTablesRule] = []
    /// `# Warning: iptables-legacy tables present…`: the dump may not show every rule.
    public var legacyTablesWarning: SourceLocation?

    public init(file: SourceFile, family: IPAddress.Family) {
        self.file = file
        self.family = family
    }

    public func table(_ name: String) -> IPTablesTable? { tables.first { $0.name == name } }

    /// Adds a finished table (its COMMIT was read).
    mutating func add(_ table: IPTablesTable) {
        tables.append(table)
        markRules += table.rules.filter { $0.markOperation != nil }
    }

    /// The MARK rules that can leave exactly `mark` on a packet.
    public func producers(of mark: UInt32) -> [IPTablesRule] {
        markRules.filter { $0.markOperation!.canProduce(mark) }
    }

    public var allRules: [IPTablesRule] { tables.flatMap(\.rules) }

    /// This dump without the named tables.
    public func removing(tables names: Set<String>) -> IPTablesRuleset {
        var copy = IPTablesRuleset(file: file, family: family)
        copy.legacyTablesWarning = legacyTablesWarning
        for table in tables where !names.contains(table.name) { copy.add(table) }
        return copy
    }
}
