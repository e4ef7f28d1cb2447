import Glibc
import IPVSModel
import SystemSupport

/// A whitespace-separated token of a line: its bytes and its 1-based column.
struct Token {
    var bytes: ArraySlice<UInt8>
    var column: Int

    var string: String { String(decoding: bytes, as: UTF8.self) }

    func equals(_ text: StaticString) -> Bool {
        guard bytes.count == text.utf8CodeUnitCount else { return false }
        return text.withUTF8Buffer { buffer in bytes.elementsEqual(buffer) }
    }
}

/// Splits text into lines and tokens while remembering where each came from, so that every
/// parse error can name its line and column.
struct LineCursor {
    let file: String
    private let bytes: [UInt8]
    private var position: Int
    /// 1-based number of the line last returned by ``next()``.
    private(set) var lineNumber = 0

    init(file: String, bytes: [UInt8]) {
        self.file = file
        self.bytes = bytes
        self.position = 0
    }

    /// The next line without its newline, or nil at the end. A final line without a newline
    /// is still returned.
    mutating func next() -> ArraySlice<UInt8>? {
        guard position < bytes.count else { return nil }
        let start = position
        let end = bytes.withUnsafeBytes { raw in
            memchr(raw.baseAddress! + start, 0x0A, raw.count - start).map { raw.baseAddress!.distance(to: $0) } ?? raw.count
        }
        position = end + 1
        lineNumber += 1
        return bytes[start..<end]
    }

    func error(_ expected: String, found: ArraySlice<UInt8>, column: Int? = nil) -> ProcParseError {
        ProcParseError(file: file, line: lineNumber, column: column, found: ProcParseError.excerpt(found), expected: expected)
    }

    /// For input that ended before a required line: points at the line that is missing.
    func errorAtEnd(_ expected: String) -> ProcParseError {
        ProcParseError(file: file, line: lineNumber + 1, found: "the end of the file", expected: expected)
    }

    func error(_ expected: String, token: Token) -> ProcParseError {
        error(expected, found: token.bytes, column: token.column)
    }
}

/// Splits a line on runs of spaces and tabs.
func tokens(of line: ArraySlice<UInt8>) -> [Token] {
    var out: [Token] = []
    tokens(of: line, into: &out)
    return out
}

/// Splits a line into `out`, replacing what it held: a parser that reuses one array for every
/// line allocates nothing per line (a 10,000-server /proc/net/ip_vs has 11,000 lines).
func tokens(of line: ArraySlice<UInt8>, into out: inout [Token]) {
    out.removeAll(keepingCapacity: true)
    out.reserveCapacity(8)
    // Offsets over the raw bytes (no bounds check per byte), then the slices.
    line.withUnsafeBufferPointer { bytes in
        var i = 0
        while i < bytes.count {
            while i < bytes.count && (bytes[i] == 0x20 || bytes[i] == 0x09) { i += 1 }
            if i == bytes.count { break }
            let start = i
            while i < bytes.count && bytes[i] != 0x20 && bytes[i] != 0x09 { i += 1 }
            out.append(Token(bytes: line[line.startIndex + start..<line.startIndex + i], column: start + 1))
        }
    }
}

/// Parses the kernel's `%pI6` form: eight groups of four lowercase hex digits.
func parseFullIPv6(_ bytes: ArraySlice<UInt8>) -> IPAddress? {
    guard bytes.count == 39 else { return nil }
    var high: UInt64 = 0
    var low: UInt64 = 0
    var i = bytes.startIndex
    for group in 0..<8 {
        if group > 0 {
            guard bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
        }
        guard let value = parseHex(bytes[i..<i + 4], as: UInt16.self) else { return nil }
        i += 4
        if group < 4 { high = high << 16 | UInt64(value) } else { low = low << 16 | UInt64(value) }
    }
    return IPAddress(ipv6High: high, low: low)
}
