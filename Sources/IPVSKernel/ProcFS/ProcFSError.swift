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
            case 0x20...0x7E where b != UInt8(ascii: "\"") && b != UInt8(ascii: "\\"): out.unicodeScalars.append(Unicode.Scalar(b))
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

/// Why a /proc read failed.
public enum ProcFSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file does not exist: for /proc/net/ip_vs* that means the ip_vs module is not loaded
    /// in this network namespace.
    case notFound(path: String)
    /// open(2) or read(2) failed.
    case io(path: String, errno: Int32, message: String)
    /// The file is larger than the reader is willing to hold.
    case tooLarge(path: String, limit: Int)
    /// The contents are not what the kernel prints.
    case parse(ProcParseError)

    public var description: String {
        switch self {
        case .notFound(let path): "\(path): no such file"
        case .io(let path, _, let message): "\(path): \(message)"
        case .tooLarge(let path, let limit): "\(path): larger than \(limit) bytes, refusing to read further"
        case .parse(let error): error.description
        }
    }
}

extension ProcFSError {
    /// A failure to open or read a /proc file, in /proc's terms.
    public init(_ error: FileError) {
        switch error {
        case .notFound(let path): self = .notFound(path: path)
        case .io(let path, let code, let message): self = .io(path: path, errno: code, message: message)
        case .tooLarge(let path, let limit): self = .tooLarge(path: path, limit: limit)
        }
    }
}
