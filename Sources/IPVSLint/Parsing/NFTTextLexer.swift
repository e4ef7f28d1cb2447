/// Splits nftables text (`nft list ruleset`, or a script for `nft -f`) into tokens with their
/// line and column. nft's own scanner decides by context (an IPv6 address and a map's `:` share a
/// character); the rules here follow what `nft list ruleset` prints and what scripts write:
/// a `:` ends a word only when a blank, `{` or `@` follows and the word has no colon yet, and a
/// `.` is the concatenation operator only standing alone.
struct NFTTextLexer {
    struct Token: Sendable, Hashable {
        enum Kind: Sendable, Hashable {
            /// A name, number, address, `@set`, `$variable`, an operator.
            case word
            /// `"…"`, without its quotes.
            case string
            /// One of `{ } ( ) , ; = : .` standing alone.
            case punctuation
            /// A line end outside a comment's text; `\` joins lines.
            case newline
            /// `# handle N`, which `nft -a` prints after a rule.
            case handle
        }

        var kind: Kind
        var text: String
        var line: Int
        var column: Int

        func `is`(_ punctuation: String) -> Bool { kind == .punctuation && text == punctuation }
    }

    static func tokens(_ file: SourceFile) throws(LintInputError) -> [Token] {
        var out: [Token] = []
        for (index, line) in file.lines.enumerated() {
            let number = index + 1
            let characters = Array(line)
            var position = 0
            var joined = false
            func location(_ column: Int) -> SourceLocation { SourceLocation(file: file.id, line: number, column: column) }
            while position < characters.count {
                let character = characters[position]
                let column = position + 1
                switch character {
                case " ", "\t", "\r":
                    position += 1
                case "\\" where characters[(position + 1)...].allSatisfy({ $0 == " " || $0 == "\t" }):
                    joined = true
                    position = characters.count
                case "#":
                    let comment = String(characters[(position + 1)...]).split(separator: " ")
                    if comment.count == 2, comment[0] == "handle", UInt64(comment[1]) != nil {
                        out.append(Token(kind: .handle, text: String(comment[1]), line: number, column: column))
                    }
                    position = characters.count
                case "\"":
                    var text = ""
                    var end = position + 1
                    // nft's scanner has no escapes in a string: `comment "C:\"` ends at the second quote.
                    while end < characters.count, characters[end] != "\"" {
                        text.append(characters[end])
                        end += 1
                    }
                    guard end < characters.count else {
                        throw LintInputError(
                            location(column), found: "a string without its closing \"", expected: "\"…\" on one line")
                    }
                    out.append(Token(kind: .string, text: text, line: number, column: column))
                    position = end + 1
                case "{", "}", "(", ")", ",", ";":
                    out.append(Token(kind: .punctuation, text: String(character), line: number, column: column))
                    position += 1
                case "&", "|", "^":
                    out.append(Token(kind: .word, text: String(character), line: number, column: column))
                    position += 1
                case "!", "=", "<", ">":
                    var end = position
                    while end < characters.count, Self.isComparison(characters[end]) { end += 1 }
                    let text = String(characters[position..<end])
                    out.append(Token(kind: text == "=" ? .punctuation : .word, text: text, line: number, column: column))
                    position = end
                case "." where Self.standsAlone(characters, position), ":" where Self.standsAlone(characters, position):
                    out.append(Token(kind: .punctuation, text: String(character), line: number, column: column))
                    position += 1
                default:
                    var end = position
                    var text = ""
                    var hasColon = false
                    while end < characters.count {
                        let next = characters[end]
                        if Self.endsWord(next) { break }
                        // `80: 1`, `10.0.0.1 . 80`: the word ends before a separating colon.
                        if next == ":" {
                            if !hasColon, end + 1 < characters.count, Self.opensValue(characters[end + 1]), !text.isEmpty {
                                break
                            }
                            hasColon = true
                        }
                        text.append(next)
                        end += 1
                    }
                    let kind: Token.Kind = text == ":" ? .punctuation : .word
                    out.append(Token(kind: kind, text: text, line: number, column: column))
                    position = end
                }
            }
            if !joined { out.append(Token(kind: .newline, text: "", line: number, column: characters.count + 1)) }
        }
        return out
    }

    /// A `.` or `:` with a blank (or the line's end) after it and before it, or right after a
    /// `}` (`dnat to tcp dport map { … }:tcp dport map { … }`).
    static func standsAlone(_ characters: [Character], _ position: Int) -> Bool {
        if position > 0, characters[position - 1] == "}" { return true }
        let before = position == 0 || characters[position - 1] == " " || characters[position - 1] == "\t"
        let after = position + 1 == characters.count || opensValue(characters[position + 1])
        return before && after
    }

    // Switches rather than `String.contains`, which walks a string's grapheme clusters for every
    // character of the input: the lexer spent a fifth of its time there.

    static func isComparison(_ character: Character) -> Bool {
        switch character {
        case "!", "=", "<", ">": true
        default: false
        }
    }

    static func endsWord(_ character: Character) -> Bool {
        switch character {
        case " ", "\t", "\r", "\"", "{", "}", "(", ")", ",", ";", "#", "&", "|", "^", "!", "=", "<", ">": true
        default: false
        }
    }

    /// What may follow a separating `:` or `.`: a blank, a set or a map.
    static func opensValue(_ character: Character) -> Bool {
        switch character {
        case " ", "\t", "{", "@": true
        default: false
        }
    }
}
