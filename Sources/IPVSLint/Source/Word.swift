import Synchronization

/// A whitespace-separated word of a line, with its 1-based column.
public struct Word: Sendable, Hashable {
    public var text: String
    public var column: Int

    public var endColumn: Int { column + text.columnCount }
}
