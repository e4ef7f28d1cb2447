import IPVSModel

/// Reads nftables text into an ``NFTRuleset``: what `nft list ruleset` prints (with `-a`, the
/// rule handles), and scripts for `nft -f` (`flush ruleset`, `define`, `add rule …`, `\` line
/// joins), the same model the JSON reader fills.
///
/// The statement grammar is large and grows with each release: what the model has no place for
/// (`limit`, `log`, `fib`, `tcp option`, flowtables, `xt`…) is kept by name in
/// ``NFTRuleset/opaque`` and never refused. What `nft -c -f` would refuse and the reader can
/// tell (an unknown command, a chain of a table that does not exist, a brace or string left
/// open, an undefined `$variable`, a priority that is no number nor name) is an error at its
/// line and column.
public enum NFTTextParser {
    public static func parse(_ file: SourceFile) throws(LintInputError) -> NFTRuleset {
        var parser = Parser(file: file, tokens: try NFTTextLexer.tokens(file))
        try parser.readFile()
        return parser.ruleset
    }

    typealias Token = NFTTextLexer.Token

    struct Parser {
        let file: SourceFile
        let tokens: [Token]
        var index = 0
        var ruleset: NFTRuleset
        var variables: [String: [Token]] = [:]
        var tablePositions: [String: Int] = [:]
        var chainPositions: [[String: Int]] = []

        init(file: SourceFile, tokens: [Token]) {
            self.file = file
            self.tokens = tokens
            ruleset = NFTRuleset(file: file)
        }

        var peek: Token? { index < tokens.count ? tokens[index] : nil }

        func location(_ token: Token) -> SourceLocation {
            SourceLocation(file: file.id, line: token.line, column: token.column)
        }

        var endLocation: SourceLocation {
            SourceLocation(file: file.id, line: max(file.lines.count, 1), column: (file.lines.last?.count ?? 0) + 1)
        }

        func error(_ token: Token?, expected: String) -> LintInputError {
            guard let token else { return LintInputError(endLocation, found: "the end of the file", expected: expected) }
            let found =
                switch token.kind {
                case .newline: "the end of the line"
                case .string: "\"\(token.text)\""
                default: LintInputError.quote(token.text)
                }
            return LintInputError(location(token), found: found, expected: expected)
        }

        mutating func skipSeparators() {
            while let token = peek, token.kind == .newline || token.kind == .handle || token.is(";") { index += 1 }
        }

        mutating func word(_ expected: String) throws(LintInputError) -> Token {
            guard let token = peek, token.kind == .word || token.kind == .string else { throw error(peek, expected: expected) }
            index += 1
            return token
        }

        mutating func opaque(_ kind: String, _ token: Token) { opaque(kind, location(token)) }

        mutating func opaque(_ kind: String, _ place: SourceLocation) {
            if ruleset.opaque[kind] == nil { ruleset.opaque[kind] = place }
        }

        /// The tokens of one statement: up to a line end or `;` outside braces, or up to the `}`
        /// that closes the enclosing block (not taken). `$variables` are replaced by their value.
        mutating func statementTokens() throws(LintInputError) -> [Token] {
            var out: [Token] = []
            var open: [Token] = []
            while let token = peek {
                if open.isEmpty && (token.kind == .newline || token.is(";") || token.is("}")) { break }
                index += 1
                if token.kind == .newline { continue }
                if token.is("{") || token.is("(") {
                    // The rule reader recurses once per bracket: bound it as the JSON reader is.
                    guard open.count < 64 else { throw error(token, expected: "at most 64 nested brackets") }
                    open.append(token)
                }
                if token.is("}") || token.is(")") {
                    guard let last = open.popLast(), last.is(token.text == "}" ? "{" : "(") else {
                        throw error(token, expected: "no \(token.text) without its opening bracket")
                    }
                }
                if token.kind == .word, token.text.hasPrefix("$") {
                    let name = String(token.text.dropFirst())
                    guard let value = variables[name] else {
                        throw error(token, expected: "a variable defined before its use (define \(name) = …)")
                    }
                    out += value.map { Token(kind: $0.kind, text: $0.text, line: token.line, column: token.column) }
                    continue
                }
                out.append(token)
            }
            if let unclosed = open.last {
                throw LintInputError(
                    location(unclosed), found: "\(unclosed.text) never closed",
                    expected: "a \(unclosed.is("{") ? "}" : ")") for it")
            }
            return out
        }

        mutating func readFile() throws(LintInputError) {
            while true {
                skipSeparators()
                guard let token = peek else { return }
                guard token.kind == .word else {
                    throw error(token, expected: "a command: table, chain, rule, set, map, element, define, include, flush…")
                }
                index += 1
                switch token.text {
                case "add", "create", "insert":
                    let object = try word("what to \(token.text): table, chain, rule, set, map, element…")
                    try command(object, inserting: token.text == "insert")
                case "table", "chain", "rule", "set", "map", "element":
                    try command(token, inserting: false)
                case "define", "redefine", "undefine":
                    try define(token)
                case "include", "flush", "delete", "destroy", "reset", "list", "rename", "replace", "monitor", "describe",
                    "export", "import":
                    // `include` reads a file the listing does not have; the others change or show
                    // a ruleset, not what one holds.
                    opaque(token.text, token)
                    _ = try statementTokens()
                default:
                    throw error(
                        token, expected: "a command: table, chain, rule, set, map, element, define, include, flush…")
                }
            }
        }

        /// `define NAME = VALUE`, `redefine …`, `undefine NAME`: at the top level or inside a
        /// table, chain or set block, as nft allows.
        mutating func define(_ keyword: Token) throws(LintInputError) {
            let name = try word("a variable's name")
            guard keyword.text != "undefine" else {
                variables[name.text] = nil
                return
            }
            guard let equals = peek, equals.is("=") else { throw error(peek, expected: "= and the variable's value") }
            index += 1
            let value = try statementTokens()
            guard !value.isEmpty else { throw error(equals, expected: "a value after =") }
            variables[name.text] = value
        }

        mutating func command(_ object: Token, inserting: Bool) throws(LintInputError) {
            switch object.text {
            case "table":
                let position = try tableReference(creating: object)
                if let open = peek, open.is("{") {
                    index += 1
                    try tableBody(position, opened: open)
                }
            case "chain":
                let position = try tableReference(creating: nil)
                let name = try word("a chain's name")
                let chain = declareChain(name, in: position)
                if let open = peek, open.is("{") {
                    index += 1
                    try chainBody(position, chain, opened: open)
                }
            case "rule":
                let position = try tableReference(creating: nil)
                let name = try word("a chain's name")
                guard let chain = chainPositions[position][name.text] else {
                    throw error(name, expected: "a chain of table \(ruleset.tables[position].name) declared before its rules")
                }
                var statements = try statementTokens()
                // `insert rule … position 5`, `add rule … index 2`: where, not what.
                if let first = statements.first, ["position", "index", "handle"].contains(first.text), statements.count >= 2 {
                    statements.removeFirst(2)
                }
                try rule(statements, at: object, in: position, chain: chain, first: inserting)
            case "set", "map":
                let position = try tableReference(creating: nil)
                let name = try word("a \(object.text)'s name")
                guard let open = peek, open.is("{") else { throw error(peek, expected: "{ and the \(object.text)'s type") }
                index += 1
                try setBody(position, name: name, isMap: object.text == "map", opened: open)
            case "element":
                let position = try tableReference(creating: nil)
                let name = try word("a set's name")
                let statement = try statementTokens()
                guard let set = ruleset.tables[position].sets.firstIndex(where: { $0.name == name.text }) else {
                    throw error(
                        name, expected: "a set or map of table \(ruleset.tables[position].name) declared before its elements")
                }
                var reader = NFTRuleReader(tokens: statement, source: file.id)
                reader.place = location(name)
                let elements = try reader.value()
                if case .set(let items) = elements { ruleset.tables[position].sets[set].elements += items }
                for (kind, place) in reader.opaque { opaque(kind, place) }
            default:
                opaque(object.text, object)
                _ = try statementTokens()
            }
        }

        /// `[FAMILY] NAME`; `creating` adds the table if it is new, otherwise it must exist.
        mutating func tableReference(creating: Token?) throws(LintInputError) -> Int {
            let first = try word("a table's family and name")
            var family = NFTFamily.ip
            var name = first
            // The family may be left out (ip): `add rule filter input …`.
            if let given = NFTFamily(rawValue: first.text), let next = peek, next.kind == .word || next.kind == .string {
                family = given
                name = try word("a table's name")
            }
            let key = family.rawValue + " " + name.text
            if let position = tablePositions[key] { return position }
            guard let creating else {
                throw error(name, expected: "a table declared before it is used (table \(family.rawValue) \(name.text))")
            }
            tablePositions[key] = ruleset.tables.count
            chainPositions.append([:])
            ruleset.tables.append(NFTTable(family: family, name: name.text, location: location(creating)))
            return ruleset.tables.count - 1
        }

        mutating func declareChain(_ name: Token, in table: Int) -> Int {
            if let existing = chainPositions[table][name.text] { return existing }
            chainPositions[table][name.text] = ruleset.tables[table].chains.count
            ruleset.tables[table].chains.append(NFTChain(name: name.text, location: location(name), base: nil))
            return ruleset.tables[table].chains.count - 1
        }

        /// Whether the block that `opened` starts ends here; an error at the file's end.
        mutating func closes(_ opened: Token, _ what: String) throws(LintInputError) -> Bool {
            skipSeparators()
            guard let token = peek else {
                throw LintInputError(location(opened), found: "{ never closed", expected: "a } ending \(what)")
            }
            if token.is("}") {
                index += 1
                return true
            }
            return false
        }

        mutating func tableBody(_ table: Int, opened: Token) throws(LintInputError) {
            let what = "table \(ruleset.tables[table].name)"
            while try !closes(opened, what) {
                let keyword = try word("chain, set, map, flags or another object of \(what)")
                switch keyword.text {
                case "chain":
                    let name = try word("a chain's name")
                    let chain = declareChain(name, in: table)
                    guard let open = peek, open.is("{") else { throw error(peek, expected: "{ opening chain \(name.text)") }
                    index += 1
                    try chainBody(table, chain, opened: open)
                case "set", "map":
                    let name = try word("a \(keyword.text)'s name")
                    guard let open = peek, open.is("{") else {
                        throw error(peek, expected: "{ opening \(keyword.text) \(name.text)")
                    }
                    index += 1
                    try setBody(table, name: name, isMap: keyword.text == "map", opened: open)
                case "flags", "comment":
                    _ = try statementTokens()
                case "define", "redefine", "undefine":
                    try define(keyword)
                default:
                    // flowtable, counter, quota, ct helper, limit, secmark, synproxy, tunnel…
                    opaque(keyword.text, keyword)
                    _ = try statementTokens()
                }
            }
        }

        mutating func chainBody(_ table: Int, _ chain: Int, opened: Token) throws(LintInputError) {
            let what = "chain \(ruleset.tables[table].chains[chain].name)"
            while try !closes(opened, what) {
                let start = peek!
                if start.kind == .word, ["define", "redefine", "undefine"].contains(start.text) {
                    index += 1
                    try define(start)
                    continue
                }
                let statement = try statementTokens()
                guard let first = statement.first else { continue }
                switch first.kind == .word ? first.text : "" {
                case "type":
                    ruleset.tables[table].chains[chain].base = try baseChain(statement, family: ruleset.tables[table].family)
                case "policy":
                    guard statement.count == 2, ["accept", "drop"].contains(statement[1].text) else {
                        throw error(statement.count > 1 ? statement[1] : first, expected: "policy accept or policy drop")
                    }
                    ruleset.tables[table].chains[chain].base?.policy = statement[1].text
                case "comment", "devices", "device", "flags":
                    continue
                default:
                    try rule(statement, at: start, in: table, chain: chain, first: false)
                }
            }
        }

        /// `type filter hook input [device eth0] priority filter + 10`.
        func baseChain(_ statement: [Token], family: NFTFamily) throws(LintInputError) -> NFTChain.Base {
            var position = 1
            func next(_ expected: String) throws(LintInputError) -> Token {
                guard position < statement.count else { throw error(nil as Token?, expected: expected) }
                position += 1
                return statement[position - 1]
            }
            let type = try next("a chain type: filter, nat or route")
            guard ["filter", "nat", "route"].contains(type.text) else {
                throw error(type, expected: "a chain type: filter, nat or route")
            }
            guard try next("hook").text == "hook" else { throw error(statement[position - 1], expected: "hook and its name") }
            let hook = try next("a hook: prerouting, input, forward, output, postrouting, ingress or egress")
            guard ["prerouting", "input", "forward", "output", "postrouting", "ingress", "egress"].contains(hook.text) else {
                throw error(hook, expected: "a hook: prerouting, input, forward, output, postrouting, ingress or egress")
            }
            var priority: Int?
            var devices: [String] = []
            while position < statement.count {
                let keyword = statement[position]
                position += 1
                switch keyword.text {
                case "device":
                    if position < statement.count { devices.append(statement[position].text) }
                    position += 1
                case "devices":
                    while position < statement.count, statement[position].text != "priority" {
                        let token = statement[position]
                        if token.kind == .word || token.kind == .string, token.text != "=" { devices.append(token.text) }
                        position += 1
                    }
                case "priority":
                    priority = try self.priority(Array(statement[position...]), family: family, hook: hook.text)
                    position = statement.count
                default:
                    throw error(keyword, expected: "device or priority")
                }
            }
            guard let priority else { throw error(statement.last, expected: "the base chain's priority") }
            var base = NFTChain.Base(type: type.text, hook: hook.text, priority: priority, policy: nil)
            base.devices = devices
            return base
        }

        /// A number, a name (`filter`, `dstnat`…: nft(8), "Standard priority names"), or a name
        /// plus or minus a number.
        func priority(_ words: [Token], family: NFTFamily, hook: String) throws(LintInputError) -> Int {
            let expected = "a priority: a number, or raw, mangle, dstnat, filter, security, srcnat (± a number)"
            guard let first = words.first else { throw error(nil as Token?, expected: expected) }
            var text = words.map(\.text).joined()
            var base = 0
            // nft keeps a priority in 32 bits.
            if let number = Int32(text) { return Int(number) }
            let names: [(String, Int)] =
                family == .bridge
                ? [("dstnat", -300), ("filter", -200), ("out", 100), ("srcnat", 300)]
                : [
                    ("raw", -300), ("mangle", -150), ("dstnat", -100), ("filter", 0), ("security", 50), ("srcnat", 100),
                ]
            guard let (name, value) = names.first(where: { text.hasPrefix($0.0) }) else { throw error(first, expected: expected) }
            base = value
            text.removeFirst(name.count)
            if text.isEmpty { return base }
            guard let offset = Int32(text.hasPrefix("+") ? String(text.dropFirst()) : text),
                let sum = Int32(exactly: base + Int(offset))
            else {
                throw error(first, expected: expected)
            }
            return Int(sum)
        }

        mutating func setBody(_ table: Int, name: Token, isMap: Bool, opened: Token) throws(LintInputError) {
            var set = NFTSet(name: name.text, location: location(name), keyType: "", dataType: isMap ? "" : nil, elements: [])
            while try !closes(opened, "\(isMap ? "map" : "set") \(name.text)") {
                let statement = try statementTokens()
                guard let first = statement.first else { continue }
                switch first.text {
                case "type", "typeof":
                    let words = statement.dropFirst()
                    if let colon = words.firstIndex(where: { $0.is(":") }) {
                        set.keyType = words[..<colon].map(\.text).joined(separator: " ")
                        set.dataType = words[(colon + 1)...].map(\.text).joined(separator: " ")
                    } else {
                        set.keyType = words.map(\.text).joined(separator: " ")
                    }
                case "elements":
                    guard statement.count >= 2, statement[1].is("=") else {
                        throw error(statement.dropFirst().first, expected: "elements = { … }")
                    }
                    var reader = NFTRuleReader(tokens: Array(statement.dropFirst(2)), source: file.id)
                    reader.place = location(statement[1])
                    if case .set(let items) = try reader.value() { set.elements += items }
                    for (kind, place) in reader.opaque { opaque(kind, place) }
                default:
                    continue  // flags, size, timeout, counter, policy, auto-merge, comment…
                }
            }
            if let existing = ruleset.tables[table].sets.firstIndex(where: { $0.name == set.name }) {
                ruleset.tables[table].sets[existing].elements += set.elements
            } else {
                ruleset.tables[table].sets.append(set)
            }
        }

        mutating func rule(_ statement: [Token], at start: Token, in table: Int, chain: Int, first: Bool) throws(LintInputError) {
            var words = statement
            var handle: UInt64?
            if let last = words.last, last.kind == .handle {
                handle = UInt64(last.text)
                words.removeLast()
            }
            var reader = NFTRuleReader(tokens: words, source: file.id)
            let statements = try reader.statements()
            for (kind, place) in reader.opaque { opaque(kind, place) }
            let tableValue = ruleset.tables[table]
            let rule = NFTRule(
                family: tableValue.family, table: tableValue.name, chain: tableValue.chains[chain].name,
                location: location(words.first ?? start), handle: handle, statements: statements)
            if first {
                ruleset.tables[table].chains[chain].rules.insert(rule, at: 0)
            } else {
                ruleset.tables[table].chains[chain].rules.append(rule)
            }
        }
    }
}

/// `--nftables` takes either form nft writes: JSON (`nft -j list ruleset`) starts with `{`.
public enum NFTRulesetReader {
    public static func parse(_ file: SourceFile) throws(LintInputError) -> NFTRuleset {
        let first = file.lines.lazy.map { $0.drop { $0 == " " || $0 == "\t" } }.first { !$0.isEmpty }
        return first?.hasPrefix("{") == true ? try NFTJSONParser.parse(file) : try NFTTextParser.parse(file)
    }
}
