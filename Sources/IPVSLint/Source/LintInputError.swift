import Synchronization
import SystemSupport

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
