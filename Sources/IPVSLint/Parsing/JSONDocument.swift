/// A JSON document read as hostile input (RFC 8259, strict): every value keeps where it starts,
/// so that a finding about one object of `nft -j list ruleset` can name its line and column.
///
/// Bounded: nesting deeper than ``maximumDepth`` is an error at the bracket that goes too deep,
/// never a stack overflow; numbers keep their text (nftables marks and handles are 32- and
/// 64-bit, beyond what a Double holds exactly).
public struct JSONNode: Sendable, Hashable {
    public indirect enum Value: Sendable, Hashable {
        case null
        case bool(Bool)
        /// The number as written (`-150`, `4294967295`, `1e3`).
        case number(String)
        case string(String)
        case array([JSONNode])
        /// Members in document order; a repeated key is refused when reading.
        case object([Member])
    }

    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONNode
    }

    public var value: Value
    public var location: SourceLocation

    /// The member `key` of an object, if any.
    public subscript(key: String) -> JSONNode? {
        guard case .object(let members) = value else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var string: String? {
        if case .string(let text) = value { return text }
        return nil
    }

    /// An integer that fits in 64 bits, signed or not.
    public var integer: Int64? {
        guard case .number(let text) = value else { return nil }
        return Int64(text)
    }

    public var unsigned: UInt64? {
        guard case .number(let text) = value else { return nil }
        return UInt64(text)
    }

    public var array: [JSONNode]? {
        if case .array(let items) = value { return items }
        return nil
    }

    public var members: [Member]? {
        if case .object(let members) = value { return members }
        return nil
    }

    public var isNull: Bool { value == .null }

    /// What kind of value this is, for error messages.
    public var kind: String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

/// Reads a ``JSONNode`` from a ``SourceFile``.
public enum JSONDocument {
    /// Deeper nesting is refused: nftables' own output nests a few levels (a map of
    /// concatenations inside a rule's statement), never dozens.
    public static let maximumDepth = 128

    public static func parse(_ file: SourceFile) throws(LintInputError) -> JSONNode {
        var reader = Reader(file: file)
        reader.skipSpace()
        let node = try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.atEnd else { throw reader.error(expected: "the end of the document after its value") }
        return node
    }

    struct Reader {
        let file: SourceFile
        /// The current line's bytes, and where in them the cursor is.
        var line: [UInt8]
        var lineIndex = 0
        var offset = 0

        init(file: SourceFile) {
            self.file = file
            line = file.lines.first.map { Array($0.utf8) } ?? []
        }

        var atEnd: Bool { lineIndex >= file.lines.count || (lineIndex == file.lines.count - 1 && offset >= line.count) }

        /// The byte under the cursor; a line's end reads as "\n", the file's end as nil.
        var current: UInt8? {
            if offset < line.count { return line[offset] }
            return lineIndex < file.lines.count - 1 ? UInt8(ascii: "\n") : nil
        }

        mutating func advance() {
            if offset < line.count {
                offset += 1
            } else if lineIndex < file.lines.count - 1 {
                lineIndex += 1
                offset = 0
                line = Array(file.lines[lineIndex].utf8)
            }
        }

        var location: SourceLocation { SourceLocation(file: file.id, line: lineIndex + 1, column: offset + 1) }

        func error(expected: String) -> LintInputError {
            let found: String
            if let byte = current {
                found =
                    byte == UInt8(ascii: "\n")
                    ? "end of line" : LintInputError.quote(String(decoding: line[offset...].prefix(20), as: UTF8.self))
            } else {
                found = "end of file"
            }
            return LintInputError(location, found: found, expected: expected)
        }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { advance() }
        }

        /// A literal (`true`, `false`, `null`); a misspelling is reported where the word starts.
        mutating func expect(_ word: String) throws(LintInputError) {
            let start = self
            for byte in word.utf8 {
                guard current == byte else { throw start.error(expected: "\"\(word)\"") }
                advance()
            }
        }

        mutating func value(depth: Int) throws(LintInputError) -> JSONNode {
            let start = location
            guard let byte = current else { throw error(expected: "a JSON value") }
            switch byte {
            case UInt8(ascii: "{"):
                guard depth < JSONDocument.maximumDepth else {
                    throw error(expected: "at most \(JSONDocument.maximumDepth) levels of nesting")
                }
                return JSONNode(value: .object(try object(depth: depth + 1)), location: start)
            case UInt8(ascii: "["):
                guard depth < JSONDocument.maximumDepth else {
                    throw error(expected: "at most \(JSONDocument.maximumDepth) levels of nesting")
                }
                return JSONNode(value: .array(try array(depth: depth + 1)), location: start)
            case UInt8(ascii: "\""):
                return JSONNode(value: .string(try string()), location: start)
            case UInt8(ascii: "t"):
                try expect("true")
                return JSONNode(value: .bool(true), location: start)
            case UInt8(ascii: "f"):
                try expect("false")
                return JSONNode(value: .bool(false), location: start)
            case UInt8(ascii: "n"):
                try expect("null")
                return JSONNode(value: .null, location: start)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                return JSONNode(value: .number(try number()), location: start)
            default:
                throw error(expected: "a JSON value")
            }
        }

        mutating func object(depth: Int) throws(LintInputError) -> [JSONNode.Member] {
            advance()  // {
            skipSpace()
            var members: [JSONNode.Member] = []
            var keys: Set<String> = []
            if current == UInt8(ascii: "}") {
                advance()
                return members
            }
            while true {
                guard current == UInt8(ascii: "\"") else { throw error(expected: "a member name in double quotes") }
                let keyLocation = location
                let key = try string()
                guard keys.insert(key).inserted else {
                    throw LintInputError(keyLocation, found: "\"\(key)\" again", expected: "each member name once per object")
                }
                skipSpace()
                guard current == UInt8(ascii: ":") else { throw error(expected: "\":\" after a member name") }
                advance()
                skipSpace()
                members.append(JSONNode.Member(key: key, value: try value(depth: depth)))
                skipSpace()
                if current == UInt8(ascii: ",") {
                    advance()
                    skipSpace()
                    continue
                }
                guard current == UInt8(ascii: "}") else { throw error(expected: "\",\" or \"}\" in an object") }
                advance()
                return members
            }
        }

        mutating func array(depth: Int) throws(LintInputError) -> [JSONNode] {
            advance()  // [
            skipSpace()
            var items: [JSONNode] = []
            if current == UInt8(ascii: "]") {
                advance()
                return items
            }
            while true {
                items.append(try value(depth: depth))
                skipSpace()
                if current == UInt8(ascii: ",") {
                    advance()
                    skipSpace()
                    continue
                }
                guard current == UInt8(ascii: "]") else { throw error(expected: "\",\" or \"]\" in an array") }
                advance()
                return items
            }
        }

        /// A string on one line (JSON escapes newlines), with its escapes decoded; a lone
        /// surrogate is refused rather than turned into a replacement character.
        mutating func string() throws(LintInputError) -> String {
            advance()  // "
            var bytes: [UInt8] = []
            while true {
                guard let byte = current, byte != UInt8(ascii: "\n") else {
                    throw error(expected: "the closing \" of a string")
                }
                if byte == UInt8(ascii: "\"") {
                    advance()
                    break
                }
                guard byte >= 0x20 else { throw error(expected: "a control character written as an escape") }
                if byte != UInt8(ascii: "\\") {
                    bytes.append(byte)
                    advance()
                    continue
                }
                advance()
                guard let escaped = current else { throw error(expected: "an escape") }
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escaped)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    advance()
                    var scalar = try hex4()
                    if (0xD800...0xDBFF).contains(scalar) {
                        guard current == UInt8(ascii: "\\") else { throw error(expected: "the low half of a surrogate pair") }
                        advance()
                        guard current == UInt8(ascii: "u") else { throw error(expected: "the low half of a surrogate pair") }
                        advance()
                        let low = try hex4()
                        guard (0xDC00...0xDFFF).contains(low) else { throw error(expected: "the low half of a surrogate pair") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00...0xDFFF).contains(scalar) {
                        throw error(expected: "a surrogate pair, not its low half alone")
                    }
                    bytes.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
                    continue
                default:
                    throw error(expected: "one of the escapes \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX")
                }
                advance()
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw error(expected: "a string in UTF-8")
            }
            return text
        }

        mutating func hex4() throws(LintInputError) -> UInt32 {
            var value: UInt32 = 0
            for _ in 0..<4 {
                guard let byte = current, let digit = Self.hexDigit(byte) else { throw error(expected: "four hex digits") }
                value = value << 4 | digit
                advance()
            }
            return value
        }

        static func hexDigit(_ byte: UInt8) -> UInt32? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
            default: nil
            }
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, at most 64 characters.
        mutating func number() throws(LintInputError) -> String {
            var text: [UInt8] = []
            func isDigit(_ byte: UInt8?) -> Bool { byte.map { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } ?? false }
            if current == UInt8(ascii: "-") {
                text.append(current!)
                advance()
            }
            guard isDigit(current) else { throw error(expected: "a digit") }
            if current == UInt8(ascii: "0") {
                text.append(current!)
                advance()
                guard !isDigit(current) else { throw error(expected: "no leading zero in a number") }
            } else {
                while isDigit(current) {
                    text.append(current!)
                    advance()
                }
            }
            if current == UInt8(ascii: ".") {
                text.append(current!)
                advance()
                guard isDigit(current) else { throw error(expected: "a digit after the decimal point") }
                while isDigit(current) {
                    text.append(current!)
                    advance()
                }
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                text.append(current!)
                advance()
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") {
                    text.append(current!)
                    advance()
                }
                guard isDigit(current) else { throw error(expected: "a digit in the exponent") }
                while isDigit(current) {
                    text.append(current!)
                    advance()
                }
            }
            guard text.count <= 64 else { throw error(expected: "a number of at most 64 characters") }
            return String(decoding: text, as: UTF8.self)
        }
    }
}
