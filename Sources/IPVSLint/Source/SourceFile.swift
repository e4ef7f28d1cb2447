import SystemSupport
import Synchronization

/// A text input of the linter, split into lines, with its display name (the path as given, or
/// `<stdin>`).
public struct SourceFile: Sendable, Hashable {
    public let name: String
    /// The name as locations carry it.
    public let id: SourceName
    public let lines: [Substring]

    public init(name: String, text: String) {
        self.name = name
        id = SourceName(name)
        // Split on the byte: "\r\n" is a single Character, so a Character split would leave
        // CRLF files (edited on Windows) in one piece. Such files read as if they had LF endings.
        var lines: [Substring] = []
        var start = text.utf8.startIndex
        let utf8 = text.utf8
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == UInt8(ascii: "\n") {
                var end = index
                if end > start, utf8[utf8.index(before: end)] == UInt8(ascii: "\r") { end = utf8.index(before: end) }
                lines.append(text[start..<end])
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        if start != utf8.endIndex {
            var end = utf8.endIndex
            if utf8[utf8.index(before: end)] == UInt8(ascii: "\r") { end = utf8.index(before: end) }
            lines.append(text[start..<end])
        }
        self.lines = lines
    }

    /// A path written inside this file (an include, a sysctl file of the configuration), taken
    /// relative to the file's directory unless absolute.
    public func resolve(_ path: String) -> String {
        Files.resolve(path, relativeTo: name)
    }

    /// 1-based.
    public func line(_ number: Int) -> Substring? {
        number >= 1 && number <= lines.count ? lines[number - 1] : nil
    }
}

/// A file name as locations carry it: a number standing for the name, so that the hundreds of
/// thousands of locations of a big input do not each hold (and retain, at every copy) a string.
public struct SourceName: Sendable, Hashable, Comparable, CustomStringConvertible {
    let id: UInt32

    /// Names are registered once, per file, and never forgotten: a process lints a few files.
    private static let registry = Mutex<(names: [String], ids: [String: UInt32])>(([], [:]))

    public init(_ name: String) {
        id = Self.registry.withLock { registry in
            if let id = registry.ids[name] { return id }
            let id = UInt32(registry.names.count)
            registry.names.append(name)
            registry.ids[name] = id
            return id
        }
    }

    public var description: String { Self.registry.withLock { $0.names[Int(id)] } }

    /// By name, so output sorted by location is in file-name order.
    public static func < (lhs: SourceName, rhs: SourceName) -> Bool {
        lhs != rhs && lhs.description < rhs.description
    }
}

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

/// An input line the linter cannot read: exit status 2, with where and what was expected.
public struct LintInputError: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var found: String
    public var expected: String

    public init(_ location: SourceLocation, found: String, expected: String) {
        self.location = location
        self.found = found
        self.expected = expected
    }

    public var description: String { "\(location): expected \(expected), found \(found)" }

    /// Quotes untrusted text for a message, shortened.
    static func quote(_ text: some StringProtocol, limit: Int = 60) -> String {
        if text.isEmpty { return "end of line" }
        var out = ""
        for character in text.prefix(limit) {
            switch character {
            case "\"": out += "\\\""
            case "\t": out += "\\t"
            default:
                if character.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) {
                    out.append(character)
                } else {
                    out += character.unicodeScalars.map { "\\u{\(String($0.value, radix: 16))}" }.joined()
                }
            }
        }
        return "\"" + out + (text.count > limit ? "…" : "") + "\""
    }
}

/// A whitespace-separated word of a line, with its 1-based column.
public struct Word: Sendable, Hashable {
    public var text: String
    public var column: Int

    public var endColumn: Int { column + text.columnCount }
}

extension SourceFile {
    /// Splits a line into words (space and tab separated), up to an unquoted `#`, which starts a
    /// comment as in `ipvsadm -R` (config_stream.c) and sysctl.conf. Returns the comment too.
    static func words(_ line: Substring) -> (words: [Word], comment: Substring?) {
        // ASCII lines (nearly all) are split on bytes, where a column is a byte offset.
        let utf8 = line.utf8
        if utf8.allSatisfy({ $0 < 0x80 }) {
            var words: [Word] = []
            var wordStart: Substring.UTF8View.Index?
            var column = 0
            var startColumn = 0
            var index = utf8.startIndex
            while index != utf8.endIndex {
                let byte = utf8[index]
                column += 1
                if byte == UInt8(ascii: "#") && wordStart == nil {
                    return (words, line[index...])
                }
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                    if let begin = wordStart {
                        words.append(Word(text: String(line[begin..<index]), column: startColumn))
                        wordStart = nil
                    }
                } else if wordStart == nil {
                    wordStart = index
                    startColumn = column
                }
                index = utf8.index(after: index)
            }
            if let begin = wordStart { words.append(Word(text: String(line[begin...]), column: startColumn)) }
            return (words, nil)
        }
        var words: [Word] = []
        var current = ""
        var start = 0
        var column = 0
        var comment: Substring?
        for (offset, character) in zip(line.indices, line) {
            column += 1
            if character == "#" && current.isEmpty {
                comment = line[offset...]
                break
            }
            if character == " " || character == "\t" {
                if !current.isEmpty {
                    words.append(Word(text: current, column: start))
                    current = ""
                }
            } else {
                if current.isEmpty { start = column }
                current.append(character)
            }
        }
        if !current.isEmpty { words.append(Word(text: current, column: start)) }
        return (words, comment)
    }
}

extension StringProtocol {
    /// The width in columns (characters): the byte count for ASCII text, which is nearly every
    /// line, without walking grapheme clusters.
    var columnCount: Int {
        let bytes = utf8.count
        return utf8.allSatisfy({ $0 < 0x80 }) ? bytes : count
    }
}

/// An ASCII digit: what port numbers, counters and marks are made of (`Character.isNumber`
/// would also take "½" and is far slower).
@inline(__always) func isDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}
