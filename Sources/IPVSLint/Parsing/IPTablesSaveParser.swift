public import IPVSModel

/// Parses `iptables-save` / `ip6tables-save` output (nft and legacy) and hand-written
/// `iptables-restore` files.
///
/// Words are split as iptables-restore splits them: double or single quotes group, a backslash
/// escapes the next character (iptables-save writes `--comment "it\'s \"quoted\""`). Counters
/// (`[12:345]`) are accepted on chain and rule lines. Every table is read; match modules and
/// targets the linter does not model are kept with their options rather than rejected.
public enum IPTablesSaveParser {
    public static func parse(_ file: SourceFile, family: IPAddress.Family, serviceNames: ServiceNames = .none)
        throws(LintInputError) -> IPTablesRuleset
    {
        var ruleset = IPTablesRuleset(file: file, family: family)
        var current: IPTablesTable?
        for (index, line) in file.lines.enumerated() {
            let number = index + 1
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("#") {
                if trimmed.hasPrefix("# Warning: iptables-legacy tables present") {
                    ruleset.legacyTablesWarning = SourceLocation(file: file.id, line: number)
                }
                continue
            }
            let words = try split(trimmed, offset: line.columnCount - trimmed.columnCount, file: file.id, line: number)
            guard let first = words.first else { continue }
            func error(_ word: Word?, _ expected: String) -> LintInputError {
                LintInputError(
                    SourceLocation(
                        file: file.id, line: number, column: word?.column ?? line.columnCount + 1, endColumn: word?.endColumn),
                    found: word.map { LintInputError.quote($0.text) } ?? "end of line", expected: expected)
            }
            if first.text.hasPrefix("*") {
                guard current == nil else { throw error(first, "COMMIT before the next table") }
                let name = String(first.text.dropFirst())
                guard IPTablesTable.builtinChains[name] != nil else {
                    throw error(first, "a table: *raw, *mangle, *nat, *filter or *security")
                }
                guard words.count == 1 else { throw error(words[1], "the end of the line after the table name") }
                guard ruleset.table(name) == nil else { throw error(first, "each table once") }
                current = IPTablesTable(name: name, location: SourceLocation(file: file.id, line: number, column: first.column))
                continue
            }
            if first.text == "COMMIT" {
                guard var table = current else { throw error(first, "a table (*name) before COMMIT") }
                guard words.count == 1 else { throw error(words[1], "the end of the line after COMMIT") }
                table.finish()
                ruleset.add(table)
                current = nil
                continue
            }
            guard var table = current else {
                throw error(first, "a table line (*filter, *nat, *mangle, *raw, *security) or a comment")
            }
            // Leave `table` the only owner of its rules while this line changes them: a second
            // reference would copy the whole array on every append.
            current = nil
            if first.text.hasPrefix(":") {
                let name = String(first.text.dropFirst())
                guard !name.isEmpty else { throw error(first, "a chain name after ':'") }
                guard words.count >= 2 else { throw error(nil, "the chain's policy (ACCEPT, DROP or - for a user chain)") }
                let policy = words[1].text
                guard ["ACCEPT", "DROP", "RETURN", "QUEUE", "-"].contains(policy) else {
                    throw error(words[1], "a policy: ACCEPT, DROP or - for a user chain")
                }
                if words.count >= 3 { try checkCounters(words[2], error) }
                guard words.count <= 3 else { throw error(words[3], "the end of the line") }
                guard table.chain(name) == nil else { throw error(first, "each chain once") }
                table.declare(
                    IPTablesChain(
                        name: name, policy: policy == "-" ? nil : policy,
                        location: SourceLocation(file: file.id, line: number, column: first.column)))
                current = table
                continue
            }
            var rest = words[...]
            if first.text.hasPrefix("[") {
                try checkCounters(first, error)
                rest = rest.dropFirst()
            }
            while let flag = rest.first, ["-4", "--ipv4", "-6", "--ipv6"].contains(flag.text) { rest = rest.dropFirst() }
            guard let command = rest.first else { throw error(nil, "a rule after the counters") }
            switch command.text {
            case "-A", "--append", "-I", "--insert":
                guard rest.count >= 2 else { throw error(nil, "a chain name after \(command.text)") }
                let chain = rest[rest.startIndex + 1]
                let isBuiltin = IPTablesTable.builtinChains[table.name]?.contains(chain.text) == true
                guard isBuiltin || table.chain(chain.text) != nil else {
                    throw error(chain, "a chain declared in table \(table.name) (:\(chain.text) - [0:0] or -N \(chain.text))")
                }
                var arguments = rest.dropFirst(2)
                if command.text.hasPrefix("-I") || command.text == "--insert", let position = arguments.first,
                    Int(position.text) != nil
                {
                    arguments = arguments.dropFirst()
                }
                // `-4`/`-6` mark a rule of a file shared by both families: iptables-restore
                // skips the other family's rules without a word.
                let families = Set(words.map(\.text)).intersection(["-4", "--ipv4", "-6", "--ipv6"])
                if !families.isEmpty, families.allSatisfy({ $0.hasSuffix("4") }) != (family == .ipv4) {
                    current = table
                    continue
                }
                let location = SourceLocation(
                    file: file.id, line: number, column: command.column, endColumn: line.columnCount + 1)
                let rule = try RuleParser(
                    file: file.id, line: number, lineText: line, family: family, names: serviceNames, table: table.name,
                    chain: chain.text,
                    location: location
                ).parse(Array(arguments))
                if command.text.hasPrefix("-I") || command.text == "--insert" {
                    let position = table.rules.firstIndex { $0.chain == chain.text } ?? table.rules.count
                    table.rules.insert(rule, at: position)
                } else {
                    table.rules.append(rule)
                }
            case "-N", "--new-chain":
                guard rest.count == 2 else { throw error(rest.count > 2 ? rest[rest.startIndex + 2] : nil, "-N CHAIN") }
                let name = rest[rest.startIndex + 1]
                if table.chain(name.text) == nil {
                    table.declare(
                        IPTablesChain(
                            name: name.text, policy: nil,
                            location: SourceLocation(file: file.id, line: number, column: name.column)))
                }
            case "-P", "--policy":
                guard rest.count >= 3 else { throw error(nil, "-P CHAIN POLICY") }
                let name = rest[rest.startIndex + 1]
                let policy = rest[rest.startIndex + 2]
                guard ["ACCEPT", "DROP"].contains(policy.text) else { throw error(policy, "a policy: ACCEPT or DROP") }
                let location = SourceLocation(file: file.id, line: number, column: name.column)
                table.declare(IPTablesChain(name: name.text, policy: policy.text, location: location))
            default:
                throw error(command, "a rule (-A CHAIN …), a chain (:NAME POLICY [p:b]) or COMMIT")
            }
            current = table
        }
        if let table = current {
            throw LintInputError(
                SourceLocation(file: file.id, line: file.lines.count + 1), found: "the end of the file",
                expected: "COMMIT for table \(table.name) (opened at line \(table.location.line))")
        }
        return ruleset
    }

    static func checkCounters(_ word: Word, _ error: (Word?, String) -> LintInputError) throws(LintInputError) {
        let text = word.text
        let inner = text.dropFirst().dropLast()
        let parts = inner.split(separator: ":", omittingEmptySubsequences: false)
        guard text.hasPrefix("["), text.hasSuffix("]"), parts.count == 2,
            parts.allSatisfy({ !$0.isEmpty && $0.utf8.allSatisfy(isDigit) })
        else {
            throw error(word, "counters [PACKETS:BYTES]")
        }
    }

    /// Splits a line as iptables-restore does: quotes group words, a backslash escapes.
    ///
    /// It walks bytes, as iptables-restore does: the delimiters are all ASCII, which never
    /// occurs inside a multi-byte character, and bytes are several times faster than
    /// Characters on the 50,000-line dumps of big directors. Columns count Characters, which
    /// on an ASCII line (nearly every one) is the byte position; on any other line the byte
    /// positions are mapped to Characters once the line is split.
    static func split(_ text: Substring, offset: Int, file: SourceName, line: Int) throws(LintInputError) -> [Word] {
        var words: [Word] = []
        var current: [UInt8] = []
        var inWord = false
        var quote: UInt8?
        var escaped = false
        var start = 0
        var column = offset
        var quoteColumn = 0
        var allBits: UInt8 = 0
        for byte in text.utf8 {
            column += 1
            allBits |= byte
            if escaped {
                current.append(byte)
                escaped = false
                continue
            }
            if byte == UInt8(ascii: "\\") {
                if !inWord {
                    inWord = true
                    start = column
                }
                escaped = true
                continue
            }
            if let open = quote {
                if byte == open { quote = nil } else { current.append(byte) }
                continue
            }
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                if !inWord {
                    inWord = true
                    start = column
                }
                quote = byte
                quoteColumn = column
                continue
            }
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                if inWord {
                    words.append(Word(text: String(decoding: current, as: UTF8.self), column: start))
                    current.removeAll(keepingCapacity: true)
                    inWord = false
                }
                continue
            }
            if !inWord {
                inWord = true
                start = column
            }
            current.append(byte)
        }
        // A byte column to a Character column: the identity on ASCII lines.
        var characterColumn = { (byteColumn: Int) in byteColumn }
        if allBits >= 0x80 {
            let columns = characterColumns(text)
            characterColumn = { offset + columns[$0 - offset - 1] }
        }
        if quote != nil {
            throw LintInputError(
                SourceLocation(file: file, line: line, column: characterColumn(quoteColumn)), found: "an unterminated quote",
                expected: "a closing quote")
        }
        if escaped {
            throw LintInputError(
                SourceLocation(file: file, line: line, column: characterColumn(column)),
                found: "a backslash at the end of the line",
                expected: "a character after the backslash")
        }
        if inWord { words.append(Word(text: String(decoding: current, as: UTF8.self), column: start)) }
        if allBits >= 0x80 {
            for index in words.indices { words[index].column = characterColumn(words[index].column) }
        }
        return words
    }

    /// For each byte of `text`, the 1-based column of the Character it belongs to.
    static func characterColumns(_ text: Substring) -> [Int] {
        var columns: [Int] = []
        columns.reserveCapacity(text.utf8.count)
        var column = 0
        for character in text {
            column += 1
            columns.append(contentsOf: repeatElement(column, count: character.utf8.count))
        }
        return columns
    }

    /// Parses the arguments of one rule.
    struct RuleParser {
        let file: SourceName
        let line: Int
        let lineText: Substring
        let family: IPAddress.Family
        let names: ServiceNames
        let table: String
        let chain: String
        let location: SourceLocation

        func error(_ word: Word?, _ expected: String) -> LintInputError {
            LintInputError(
                SourceLocation(
                    file: file, line: line, column: word?.column ?? lineText.columnCount + 1, endColumn: word?.endColumn),
                found: word.map { LintInputError.quote($0.text) } ?? "end of line", expected: expected)
        }

        func where_(_ word: Word) -> SourceLocation {
            SourceLocation(file: file, line: line, column: word.column, endColumn: word.endColumn)
        }

        func parse(_ words: [Word]) throws(LintInputError) -> IPTablesRule {
            var rule = IPTablesRule(
                table: table, chain: chain, location: location,
                text: words.map { $0.text.utf8.contains(UInt8(ascii: " ")) || $0.text.isEmpty ? "\"\($0.text)\"" : $0.text }
                    .joined(separator: " "))
            var index = 0
            var negate = false
            var inTarget = false
            func value() throws(LintInputError) -> Word {
                guard index < words.count else { throw error(nil, "a value after \(words[index - 1].text)") }
                index += 1
                return words[index - 1]
            }
            /// The value of -s, -d, -i, -o or -p. The old `-d ! ADDRESS` form is refused, as
            /// iptables 1.8 refuses it ("Bad argument").
            func negatable(_ negated: Bool) throws(LintInputError) -> (Bool, Word) {
                let word = try value()
                guard word.text != "!" else {
                    throw error(word, "\"!\" before \(words[index - 2].text), not after it (iptables 1.8 refuses the old form)")
                }
                return (negated, word)
            }
            while index < words.count {
                let word = words[index]
                index += 1
                if word.text == "!" {
                    guard !negate else { throw error(word, "one \"!\" before an option") }
                    negate = true
                    continue
                }
                let wasNegated = negate
                negate = false
                switch word.text {
                case "-s", "--source", "--src", "-d", "--destination", "--dst":
                    guard !inTarget else { throw error(word, "\(word.text) before -j") }
                    let (negated, text) = try negatable(wasNegated)
                    let match = try address(text, negated: negated)
                    if word.text.hasPrefix("-s") || word.text.hasPrefix("--s") {
                        rule.source = match
                    } else {
                        rule.destination = match
                    }
                case "-i", "--in-interface":
                    let (negated, name) = try negatable(wasNegated)
                    rule.inInterface = (negated, name.text)
                case "-o", "--out-interface":
                    let (negated, name) = try negatable(wasNegated)
                    rule.outInterface = (negated, name.text)
                case "-p", "--protocol":
                    let (negated, name) = try negatable(wasNegated)
                    rule.proto = (negated, name.text.lowercased())
                case "-m", "--match":
                    rule.matches.append(MatchModule(name: try value().text, options: []))
                case "-j", "--jump", "-g", "--goto":
                    guard rule.target == nil else { throw error(word, "one -j or -g per rule") }
                    rule.target = try value().text
                    rule.isGoto = word.text == "-g" || word.text == "--goto"
                    inTarget = true
                case "-f", "--fragment", "-4", "--ipv4", "-6", "--ipv6":
                    break
                case "-c", "--set-counters":
                    let packets = try value()
                    let bytes = try value()
                    guard UInt64(packets.text) != nil, UInt64(bytes.text) != nil else { throw error(packets, "-c PACKETS BYTES") }
                default:
                    guard word.text.utf8.count > 2, word.text.hasPrefix("--") else {
                        throw error(word, "an iptables option (-s, -d, -p, -i, -o, -m, -j…)")
                    }
                    // Values of a module or target option: the words up to the next option.
                    if index < words.count, words[index].text == "!", index + 1 < words.count,
                        !words[index + 1].text.hasPrefix("-")
                    {
                        throw error(
                            words[index], "\"!\" before \(word.text), not after it (iptables 1.8 refuses the old form)")
                    }
                    let negated = wasNegated
                    var values: [String] = []
                    while index < words.count
                        && !(words[index].text.utf8.count > 1 && words[index].text.hasPrefix("-")
                            && !words[index].text.utf8.dropFirst().allSatisfy(isDigit))
                        && words[index].text != "!"
                    {
                        values.append(words[index].text)
                        index += 1
                    }
                    let name = String(word.text.dropFirst(2))
                    let option = ModuleOption(name: name, negated: negated, values: values, location: where_(word))
                    if inTarget {
                        rule.targetOptions.append(option)
                    } else if let owner = Self.owner(of: name, among: rule.matches, proto: rule.proto) {
                        if owner == rule.matches.endIndex {
                            // iptables loads the protocol's match for an option no loaded match has.
                            rule.matches.append(MatchModule(name: rule.proto?.name ?? "", options: []))
                        }
                        rule.matches[owner].options.append(option)
                    } else {
                        throw error(word, "a match (-m NAME) or a target (-j NAME) before \(word.text)")
                    }
                }
            }
            if negate { throw error(nil, "an option after \"!\"") }
            try interpret(&rule, words)
            return rule
        }

        /// Options of the matches iptables-save writes most, so that an option finds its match
        /// wherever it stands (`-m tcp -p tcp -d X --dport 80` reads as `-p tcp -m tcp --dport 80`):
        /// iptables parses every option of every loaded match in one pass.
        static let knownOptions: [String: Set<String>] = {
            let ports: Set<String> = ["sport", "dport", "source-port", "destination-port"]
            return [
                "tcp": ports.union(["tcp-flags", "syn", "tcp-option"]), "udp": ports,
                "sctp": ports.union(["chunk-types"]), "dccp": ports.union(["dccp-types", "dccp-option"]),
                "multiport": ["sports", "dports", "ports", "source-ports", "destination-ports"],
                "comment": ["comment"], "mark": ["mark"], "connmark": ["mark"],
                "conntrack": [
                    "ctstate", "ctproto", "ctorigsrc", "ctorigdst", "ctreplsrc", "ctrepldst", "ctorigsrcport",
                    "ctorigdstport", "ctreplsrcport", "ctrepldstport", "ctstatus", "ctexpire", "ctdir",
                ],
                "state": ["state"], "set": ["match-set", "return-nomatch", "update-counters", "update-subcounters"],
                "addrtype": ["src-type", "dst-type", "limit-iface-in", "limit-iface-out"],
                "icmp": ["icmp-type"], "icmp6": ["icmpv6-type"], "icmpv6": ["icmpv6-type"], "ipv6-icmp": ["icmpv6-type"],
                "physdev": ["physdev-in", "physdev-out", "physdev-is-bridged"],
                "limit": ["limit", "limit-burst"], "iprange": ["src-range", "dst-range"],
            ]
        }()

        /// Which loaded match takes `--name`: the latest that is known to have it, else the
        /// protocol's match when `-p` names one and none is loaded (index `matches.endIndex`:
        /// load it), else the latest match.
        static func owner(of name: String, among matches: [MatchModule], proto: (negated: Bool, name: String)?) -> Int? {
            if let index = matches.lastIndex(where: { knownOptions[$0.name]?.contains(name) == true }) { return index }
            if let proto, !proto.negated, knownOptions[proto.name]?.contains(name) == true,
                !matches.contains(where: { $0.name == proto.name })
            {
                return matches.endIndex
            }
            return matches.indices.last
        }

        /// An address list as iptables writes it. Host names (hand-written restore files) are kept
        /// unresolved; an address of the other family is an error, as in iptables-restore.
        func address(_ word: Word, negated: Bool) throws(LintInputError) -> AddressMatch {
            var networks: [AddressMatch.Network] = []
            for part in word.text.utf8.split(separator: UInt8(ascii: ",")).map(Substring.init) {
                // Empty pieces kept: "/24" or "//" has no address (found by fuzzing: it trapped).
                let pieces = part.utf8.split(separator: UInt8(ascii: "/"), maxSplits: 1, omittingEmptySubsequences: false).map(
                    Substring.init)
                guard let host = pieces.first, !host.isEmpty else { throw error(word, "ADDRESS or ADDRESS/PREFIX, not \(part)") }
                guard let address = IPAddress(host) else { return AddressMatch(negated: negated, networks: nil, text: word.text) }
                guard address.family == family else {
                    throw error(
                        word,
                        family == .ipv6 ? "an IPv6 address (this is ip6tables input)" : "an IPv4 address (this is iptables input)"
                    )
                }
                guard let network = AddressMatch.Network(address: address, prefix: pieces.count == 2 ? pieces[1] : nil) else {
                    return AddressMatch(negated: negated, networks: nil, text: word.text)
                }
                networks.append(network)
            }
            return AddressMatch(negated: negated, networks: networks, text: word.text)
        }

        func portSet(_ option: ModuleOption, proto: String) -> PortSet {
            let text = option.values.joined(separator: ",")
            var ranges: [ClosedRange<UInt16>] = []
            for piece in text.split(separator: ",") {
                let bounds = piece.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map { part -> UInt16? in
                    if part.isEmpty { return nil }
                    return UInt16(part) ?? names.port(String(part), proto: proto)
                }
                if bounds.count == 1, let port = bounds[0] {
                    ranges.append(port...port)
                } else if bounds.count == 2 {
                    let low = piece.hasPrefix(":") ? 0 : bounds[0]
                    let high = piece.hasSuffix(":") ? UInt16.max : bounds[1]
                    guard let low, let high, low <= high else { return PortSet(negated: option.negated, ranges: nil, text: text) }
                    ranges.append(low...high)
                } else {
                    return PortSet(negated: option.negated, ranges: nil, text: text)
                }
            }
            return PortSet(negated: option.negated, ranges: ranges, text: text)
        }

        /// Derives destination ports and the MARK operation, and checks what can be checked.
        func interpret(_ rule: inout IPTablesRule, _ words: [Word]) throws(LintInputError) {
            let proto = rule.proto?.name ?? "tcp"
            for module in rule.matches {
                if ["tcp", "udp", "sctp", "dccp"].contains(module.name),
                    let option = module.option("dport") ?? module.option("destination-port")
                {
                    rule.destinationPorts = portSet(option, proto: module.name)
                }
                if module.name == "multiport",
                    let option = module.option("dports") ?? module.option("destination-ports") ?? module.option("ports")
                {
                    rule.destinationPorts = portSet(option, proto: proto)
                }
                if module.name == "mark", let option = module.option("mark") {
                    guard option.values.count == 1, Self.markValue(option.values[0]) != nil else {
                        throw LintInputError(
                            option.location, found: LintInputError.quote(option.values.joined(separator: " ")),
                            expected: "--mark VALUE[/MASK]")
                    }
                }
            }
            if rule.target == "MARK" {
                rule.markOperation = try markOperation(rule.targetOptions)
            }
        }

        static func markValue(_ text: String) -> (UInt32, UInt32?)? {
            let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            func number(_ part: Substring) -> UInt32? {
                if part.hasPrefix("0x") || part.hasPrefix("0X") { return UInt32(part.dropFirst(2), radix: 16) }
                return UInt32(part)
            }
            guard let value = number(parts[0]) else { return nil }
            if parts.count == 2 {
                guard let mask = number(parts[1]) else { return nil }
                return (value, mask)
            }
            return (value, nil)
        }

        /// Every spelling of the MARK target, as the kernel applies it (see libxt_MARK).
        func markOperation(_ options: [ModuleOption]) throws(LintInputError) -> MarkOperation {
            guard let option = options.first else {
                throw LintInputError(
                    location, found: "-j MARK without an operation",
                    expected: "--set-xmark, --set-mark, --and-mark, --or-mark or --xor-mark")
            }
            guard options.count == 1, option.values.count == 1, let (value, mask) = Self.markValue(option.values[0]) else {
                throw LintInputError(
                    option.location, found: LintInputError.quote(option.values.joined(separator: " ")),
                    expected: "one mark value such as 0x6 or 0x6/0xff")
            }
            let written = "--\(option.name) \(option.values[0])"
            switch option.name {
            case "set-xmark":
                return MarkOperation(value: value, mask: mask ?? .max, written: written)
            case "set-mark":
                // --set-mark v/m is saved as --set-xmark v/(m|v): the value's bits are set too.
                return MarkOperation(value: value, mask: (mask ?? .max) | value, written: written)
            case "and-mark" where mask == nil:
                return MarkOperation(value: 0, mask: ~value, written: written)
            case "or-mark" where mask == nil:
                return MarkOperation(value: value, mask: value, written: written)
            case "xor-mark" where mask == nil:
                return MarkOperation(value: value, mask: 0, written: written)
            default:
                throw LintInputError(
                    option.location, found: "--\(option.name) \(option.values[0])",
                    expected: "--set-xmark V/M, --set-mark V[/M], --and-mark V, --or-mark V or --xor-mark V")
            }
        }
    }
}
