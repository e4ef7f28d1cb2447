import Synchronization
import SystemSupport

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
