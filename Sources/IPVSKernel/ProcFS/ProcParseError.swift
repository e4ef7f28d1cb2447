import SystemSupport

/// A line of a /proc file that is not what the kernel prints.
///
/// Carries enough to act on without opening the file: where (file, 1-based line and column),
/// what was there (an excerpt, never the whole line: hostile lines can be megabytes) and what
/// the parser expected.
public struct ProcParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based line number.
    public var line: Int
    /// 1-based column of the offending token, when it is known.
    public var column: Int?
    public var found: String
    public var expected: String

    public init(file: String, line: Int, column: Int? = nil, found: String, expected: String) {
        self.file = file
        self.line = line
        self.column = column
        self.found = found
        self.expected = expected
    }

    public var description: String {
        let place = column.map { "\(file):\(line):\($0)" } ?? "\(file):\(line)"
        return "\(place): expected \(expected), found \(found)"
    }

    /// Renders untrusted bytes for an error message: at most `limit` characters, control and
    /// non-ASCII bytes escaped, quoted.
    static func excerpt(_ bytes: some Collection<UInt8>, limit: Int = 60) -> String {
        if bytes.isEmpty { return "end of line" }
        var out = "\""
        var count = 0
        for b in bytes {
            if count == limit {
                out += "…"
                break
            }
            switch b {
            case 0x20...0x7E where b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\"):
                out.unicodeScalars.append(Unicode.Scalar(b))
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case UInt8(ascii: "\t"): out += "\\t"
            default: out += "\\x" + (b < 16 ? "0" : "") + String(b, radix: 16)
            }
            count += 1
        }
        return out + "\""
    }
}
