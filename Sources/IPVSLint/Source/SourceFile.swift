/// A text input of the linter, split into lines, with its display name (the path as given, or
/// `<stdin>`).
public struct SourceFile: Sendable, Hashable {
    public let name: String
    public let lines: [Substring]

    public init(name: String, text: String) {
        self.name = name
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.last == "" { lines.removeLast() }
        // CRLF files (edited on Windows) are read as if they had LF endings.
        self.lines = lines.map { $0.hasSuffix("\r") ? $0.dropLast() : $0 }
    }

    /// 1-based.
    public func line(_ number: Int) -> Substring? {
        number >= 1 && number <= lines.count ? lines[number - 1] : nil
    }
}

/// A place in an input: file, 1-based line and column, and optionally where it ends on that line.
public struct SourceLocation: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var endColumn: Int?

    public init(file: String, line: Int, column: Int = 1, endColumn: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.endColumn = endColumn
    }

    public var description: String { "\(file):\(line):\(column)" }

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        (lhs.file, lhs.line, lhs.column) < (rhs.file, rhs.line, rhs.column)
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

    public var endColumn: Int { column + text.count }
}

extension SourceFile {
    /// Splits a line into words (space and tab separated), up to an unquoted `#`, which starts a
    /// comment as in `ipvsadm -R` (config_stream.c) and sysctl.conf. Returns the comment too.
    static func words(_ line: Substring) -> (words: [Word], comment: Substring?) {
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
