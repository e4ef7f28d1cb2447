import Synchronization
import SystemSupport

/// A place in an input: file, 1-based line and column, and optionally where it ends on that line.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var source: SourceName
    // 32 bits each (inputs are capped at 512 MB): a location is 16 bytes, and the models hold
    // hundreds of thousands of them, copied whenever a definition is.
    private var storedLine: UInt32
    private var storedColumn: UInt32
    /// 0 when unknown.
    private var storedEndColumn: UInt32

    public var line: Int {
        get { Int(storedLine) }
        set { storedLine = UInt32(clamping: newValue) }
    }

    public var column: Int {
        get { Int(storedColumn) }
        set { storedColumn = UInt32(clamping: newValue) }
    }

    public var endColumn: Int? {
        get { storedEndColumn == 0 ? nil : Int(storedEndColumn) }
        set { storedEndColumn = UInt32(clamping: newValue ?? 0) }
    }

    public init(file: SourceName, line: Int, column: Int = 1, endColumn: Int? = nil) {
        source = file
        storedLine = UInt32(clamping: line)
        storedColumn = UInt32(clamping: column)
        storedEndColumn = UInt32(clamping: endColumn ?? 0)
    }

    public init(file: String, line: Int, column: Int = 1, endColumn: Int? = nil) {
        self.init(file: SourceName(file), line: line, column: column, endColumn: endColumn)
    }

    /// The file's name as given on the command line.
    public var file: String { source.description }

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        if lhs.source != rhs.source { return lhs.source < rhs.source }
        return (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }
}
