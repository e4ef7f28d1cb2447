import IPVSModel

/// The statements of one nftables rule in text form, and the values of sets and maps.
///
/// nft writes a rule as statements one after another with nothing between them; where one ends
/// is known from each statement's grammar. Matches (`ip daddr 10.0.0.1`), mark settings, verdicts
/// and NAT are read into the model; other statements are read by their grammar when it is short
/// (`counter`, `log`, `limit`, `reject with …`) and kept by name, and a word no statement starts
/// with is kept by name and passed over, so that the rest of the rule is still read.
struct NFTRuleReader {
    typealias Token = NFTTextLexer.Token

    let tokens: [Token]
    let source: SourceName
    /// Where the statement starts, for an error when it has no tokens at all.
    var place: SourceLocation?
    var index = 0
    /// Statements and expressions read but not modelled, with where each first appears.
    var opaque: [(String, SourceLocation)] = []

    init(tokens: [Token], source: SourceName) {
        self.tokens = tokens
        self.source = source
    }

    var peek: Token? { index < tokens.count ? tokens[index] : nil }

    func peek(_ offset: Int) -> Token? { index + offset < tokens.count ? tokens[index + offset] : nil }

    func location(_ token: Token) -> SourceLocation { SourceLocation(file: source, line: token.line, column: token.column) }

    /// At `token`, or after the rule's last token when the rule ended too soon.
    func error(_ token: Token?, expected: String) -> LintInputError {
        if let token { return LintInputError(location(token), found: LintInputError.quote(token.text), expected: expected) }
        guard let last = tokens.last else {
            return LintInputError(place ?? SourceLocation(file: source, line: 1), found: "nothing", expected: expected)
        }
        var end = location(last)
        end.column += last.text.count
        return LintInputError(end, found: "the end of the rule", expected: expected)
    }

    /// Takes the next token if it is the punctuation `text`.
    mutating func takePunctuation(_ text: String) -> Bool {
        guard let token = peek, token.is(text) else { return false }
        index += 1
        return true
    }

    mutating func keep(_ kind: String, _ token: Token) {
        if !opaque.contains(where: { $0.0 == kind }) { opaque.append((kind, location(token))) }
    }

    /// Takes the next token if it is the word `text`.
    mutating func take(_ text: String) -> Bool {
        guard let token = peek, token.kind == .word, token.text == text else { return false }
        index += 1
        return true
    }

    mutating func next(_ expected: String) throws(LintInputError) -> Token {
        guard let token = peek else { throw error(nil, expected: expected) }
        index += 1
        return token
    }

    // MARK: Statements

    mutating func statements() throws(LintInputError) -> [NFTStatement] {
        var out: [NFTStatement] = []
        while let token = peek {
            out.append(try statement(token))
        }
        return out
    }

    static let verdicts: [String: NFTVerdict] = [
        "accept": .accept, "drop": .drop, "continue": .continue, "return": .return,
    ]

    mutating func statement(_ token: Token) throws(LintInputError) -> NFTStatement {
        if token.kind == .word, let verdict = Self.verdicts[token.text] {
            index += 1
            return .verdict(verdict)
        }
        guard token.kind == .word else {
            index += 1
            keep(token.text, token)
            return .other(token.text)
        }
        switch token.text {
        case "jump", "goto":
            index += 1
            // `jump { … }`: an anonymous chain; its rules are not read.
            if let open = peek, open.is("{") {
                _ = try primary()
                keep("anonymous chain", token)
                return .other("anonymous chain")
            }
            let target = try next("the chain to \(token.text) to")
            return .verdict(token.text == "jump" ? .jump(target.text) : .goto(target.text))
        case "reject":
            index += 1
            if take("with") {
                let kind = try next("icmp, icmpv6, icmpx or tcp after reject with")
                // `with tcp reset`; `with icmpx admin-prohibited` (listings) or `with icmp type
                // host-unreachable` (scripts).
                if kind.text == "tcp" {
                    _ = take("reset")
                } else {
                    _ = take("type") || take("code")
                    _ = try next("a reject code")
                }
            }
            return .verdict(.reject)
        case "queue":
            index += 1
            while let option = peek, ["num", "to", "flags", "fanout", "bypass"].contains(option.text) {
                index += 1
                if ["num", "to", "flags"].contains(option.text) { _ = try value() }
            }
            return .verdict(.queue)
        case "counter":
            index += 1
            // `counter name meta mark map @counters`: the name can be looked up.
            if take("name") { _ = try value() }
            if take("packets") { _ = try next("a packet count") }
            if take("bytes") { _ = try next("a byte count") }
            return .other("counter")
        case "comment":
            index += 1
            _ = try next("the comment's text")
            return .other("comment")
        case "log":
            index += 1
            while let option = peek, ["prefix", "level", "group", "snaplen", "queue-threshold", "flags"].contains(option.text) {
                index += 1
                guard option.text == "flags" else {
                    _ = try next("the log \(option.text)")
                    continue
                }
                // `flags ip options`, `flags tcp sequence,options`, `flags skuid`, `flags all`.
                let words: Set<Substring> = ["tcp", "ip", "sequence", "options", "skuid", "ether", "all"]
                while let flag = peek, flag.is(",") || flag.text.split(separator: ",").allSatisfy(words.contains) {
                    index += 1
                }
            }
            keep("log", token)
            return .other("log")
        case "limit", "quota":
            index += 1
            if take("name") {
                _ = try next("a name")
            } else {
                _ = take("rate")
                _ = take("over") || take("until")
                _ = try next("a rate or amount")
                if let unit = peek, ["bytes", "kbytes", "mbytes", "used"].contains(unit.text) || unit.text.hasPrefix("/") {
                    index += 1
                }
                if take("burst") {
                    _ = try next("a burst")
                    if let unit = peek, ["packets", "bytes", "kbytes", "mbytes"].contains(unit.text) { index += 1 }
                }
                if take("used") {
                    _ = try next("an amount")
                    if let unit = peek, ["bytes", "kbytes", "mbytes"].contains(unit.text) { index += 1 }
                }
            }
            keep(token.text, token)
            return .other(token.text)
        case "dnat", "snat":
            index += 1
            _ = take("ip") || take("ip6")
            // `dnat ip addr . port to …`: one map gives both.
            if take("addr") {
                _ = takePunctuation(".")
                _ = take("port")
            }
            _ = take("prefix")
            _ = take("to")
            var address: NFTExpression? = try value()
            var port: NFTExpression?
            if takePunctuation(":") {
                port = try value()
            } else if case .text(let written) = address, let (host, service) = Self.splitPort(written) {
                address = host.isEmpty ? nil : .text(host)
                port = Self.literal(service)
            }
            skipNATFlags()
            if token.text == "snat" {
                keep("snat", token)
                return .other("snat")
            }
            return .dnat(address: address, port: port)
        case "redirect", "masquerade":
            index += 1
            var port: NFTExpression?
            if take("to") {
                let target = try value()
                if case .text(let written) = target, written.hasPrefix(":") {
                    port = Self.literal(String(written.dropFirst()))
                } else {
                    port = target
                }
            }
            skipNATFlags()
            if token.text == "masquerade" { return .other("masquerade") }
            return .redirect(port: port)
        case "tproxy", "dup", "fwd":
            index += 1
            _ = take("ip") || take("ip6")
            if take("to") { _ = try value() }
            if take("device") { _ = try value() }
            keep(token.text, token)
            return .other(token.text)
        case "notrack":
            index += 1
            return .other("notrack")
        case "add", "update", "delete":
            // `add @blocked { ip saddr timeout 10s }`: a set updated from the packet.
            index += 1
            _ = try value()
            if let open = peek, open.is("{") { _ = try value() }
            keep("set update", token)
            return .other("set update")
        case "meter":
            index += 1
            _ = try next("a meter's name")
            if take("size") { _ = try next("a size") }
            _ = try value()
            keep("meter", token)
            return .other("meter")
        case "flow":
            index += 1
            _ = take("add") || take("offload")
            _ = try next("a flowtable")
            keep("flow offload", token)
            return .other("flow offload")
        case "xt":
            index += 1
            _ = try next("match or target")
            _ = try next("the extension's name")
            keep("xt", token)
            return .other("xt")
        case "synproxy":
            index += 1
            while let option = peek, ["mss", "wscale", "timestamp", "sack-perm"].contains(option.text) {
                index += 1
                if option.text == "mss" || option.text == "wscale" { _ = try next("a number") }
            }
            keep("synproxy", token)
            return .other("synproxy")
        default:
            break
        }
        guard isSelector(at: index) else {
            index += 1
            keep(token.text, token)
            return .other(token.text)
        }
        let left = try value()
        if take("set") {
            let assigned = try value()
            switch left {
            case .meta("mark"): return .setMark(.packet, assigned)
            case .conntrack("mark"): return .setMark(.connection, assigned)
            default:
                keep("\(Self.describe(left)) set", token)
                return .other("\(Self.describe(left)) set")
            }
        }
        if take("vmap") {
            return .verdictMap(key: left, data: try primary())
        }
        var op = "=="
        if let word = peek, word.kind == .word, let written = Self.operators[word.text] {
            index += 1
            op = written
        }
        guard peek != nil else { throw error(nil, expected: "a value to compare \(Self.describe(left)) with") }
        let right = try value()
        // `tcp flags != syn / fin,syn,rst,ack`: the flags under the mask, as JSON writes it.
        if take("/") { return .match(left: .binary("&", left, try value()), op: op, right: right) }
        return .match(left: left, op: op, right: right)
    }

    static let operators: [String: String] = [
        "==": "==", "eq": "==", "!=": "!=", "ne": "!=", "<": "<", "lt": "<", ">": ">", "gt": ">", "<=": "<=", "le": "<=",
        ">=": ">=", "ge": ">=", "!": "!=",
    ]

    mutating func skipNATFlags() {
        while let flag = peek, ["random", "fully-random", "persistent", "netmap", ","].contains(flag.text) { index += 1 }
    }

    /// A set element written `KEY:VALUE` in one word (`80:drop`, `10.0.0.1:0x1`); an IPv6
    /// address is not one.
    static func compactMapping(_ text: String) -> (String, String)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, IPAddress(text) == nil else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    /// `10.0.0.1:80` → ("10.0.0.1", "80"); `[2001:db8::1]:80` → ("2001:db8::1", "80"); `:80` →
    /// ("", "80"). An IPv6 address alone is not split.
    static func splitPort(_ text: String) -> (String, String)? {
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {
            let host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            return rest.hasPrefix(":") ? (host, String(rest.dropFirst())) : nil
        }
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[1].isEmpty else { return nil }
        return (String(parts[0]), String(parts[1]))
    }

    // MARK: Expressions

    /// A value: primaries joined by `.`, bit operations, a map lookup, or a bare list of flags
    /// (`ct state established,related`).
    mutating func value(inSet: Bool = false) throws(LintInputError) -> NFTExpression {
        var left = try concatenation()
        while let token = peek, token.kind == .word, let op = Self.binaryOperators[token.text] {
            index += 1
            left = .binary(op, left, try concatenation())
        }
        if take("map") {
            left = .map(key: left, data: try primary())
        }
        if !inSet, let comma = peek, comma.is(",") {
            var items = [left]
            while let comma = peek, comma.is(",") {
                index += 1
                items.append(try concatenation())
            }
            left = .set(items)
        }
        return left
    }

    static let binaryOperators: [String: String] = [
        "&": "&", "and": "&", "|": "|", "or": "|", "^": "^", "xor": "^", "<<": "<<", "lshift": "<<", ">>": ">>",
        "rshift": ">>",
    ]

    mutating func concatenation() throws(LintInputError) -> NFTExpression {
        var items = [try primary()]
        while let dot = peek, dot.is(".") {
            index += 1
            items.append(try primary())
        }
        return items.count == 1 ? items[0] : .concatenation(items)
    }

    mutating func primary() throws(LintInputError) -> NFTExpression {
        let token = try next("a value")
        switch token.kind {
        case .string:
            return .text(token.text)
        case .punctuation:
            if token.is("(") {
                let inner = try value()
                guard let close = peek, close.is(")") else { throw error(peek, expected: ") closing (") }
                index += 1
                return inner
            }
            guard token.is("{") else { throw error(token, expected: "a value") }
            var items: [NFTExpression] = []
            while true {
                guard let item = peek else { throw error(nil, expected: "} closing the set") }
                if item.is("}") {
                    index += 1
                    return .set(items)
                }
                if item.is(",") {
                    index += 1
                    continue
                }
                let key = try value(inSet: true)
                skipElementOptions()
                if takePunctuation(":") {
                    items.append(.mapping(key, try value(inSet: true)))
                    skipElementOptions()
                } else if let glued = peek, glued.kind == .word, glued.text.hasPrefix(":"), glued.text.count > 1 {
                    // `{ 80 :1 }`: the value glued to its colon.
                    index += 1
                    items.append(.mapping(key, Self.literal(String(glued.text.dropFirst()))))
                } else if case .text(let written) = key, let (left, right) = Self.compactMapping(written) {
                    // `{22:accept, 80:drop}`: key and value in one word.
                    items.append(
                        .mapping(
                            Self.literal(left),
                            right == "jump" || right == "goto"
                                ? .text("\(right) \(try next("a chain").text)") : Self.literal(right)))
                } else {
                    items.append(key)
                }
            }
        case .newline, .handle:
            throw error(token, expected: "a value")
        case .word:
            break
        }
        index -= 1
        if isSelector(at: index) { return try selector() }
        index += 1
        switch token.text {
        case "jump", "goto":
            return .text("\(token.text) \(try next("a chain").text)")
        default:
            return Self.literal(token.text)
        }
    }

    mutating func skipElementOptions() {
        while let option = peek, ["timeout", "expires", "comment", "counter"].contains(option.text) {
            index += 1
            if option.text == "counter" {
                for word in ["packets", "bytes"] where take(word) { index += 1 }
            } else {
                index += 1
            }
        }
    }

    /// A constant as written: a number, `@set`, an address prefix, a range, or any other word.
    static func literal(_ text: String) -> NFTExpression {
        if let number = number(text) { return .number(number) }
        if text.hasPrefix("@") { return .reference(String(text.dropFirst())) }
        if let slash = text.lastIndex(of: "/"), let length = Int(text[text.index(after: slash)...]) {
            let address = String(text[..<slash])
            // `ct mark 0x80000000/1`: the mark's top bit.
            if let value = number(address) { return .prefix(.number(value), length: length) }
            if IPAddress(address) != nil { return .prefix(.text(address), length: length) }
        }
        if text.contains("-"), !text.hasPrefix("-") {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 2 {
                let (low, high) = (String(parts[0]), String(parts[1]))
                if let a = number(low), let b = number(high) { return .range(.number(a), .number(b)) }
                if IPAddress(low) != nil, IPAddress(high) != nil { return .range(.text(low), .text(high)) }
            }
        }
        return .text(text)
    }

    static func number(_ text: String) -> UInt64? {
        if text.hasPrefix("0x") { return UInt64(text.dropFirst(2), radix: 16) }
        guard let first = text.utf8.first, isDigit(first) else { return nil }
        return UInt64(text)
    }

    // MARK: Selectors

    /// Header fields nft knows, any protocol: a protocol word is a selector only before one of
    /// these (`meta l4proto tcp tcp dport 80` has the value `tcp`, then the selector `tcp dport`).
    static let fields: Set<String> = [
        "saddr", "daddr", "sport", "dport", "protocol", "nexthdr", "version", "hdrlength", "dscp", "ecn", "length", "id",
        "frag-off", "ttl", "checksum", "option", "flowlabel", "hoplimit", "sequence", "ackseq", "doff", "reserved",
        "flags", "window", "urgptr", "vtag", "chunk", "type", "code", "htype", "ptype", "hlen", "plen", "operation",
        "cfi", "dei", "pcp", "gateway", "mtu", "csumcov", "spi", "taddr", "parameter-problem", "packet-too-big",
        "max-delay", "cpi", "mrt", "group", "reserved2", "seg-left", "last-entry", "tag", "sid", "more-fragments",
        "frag-off", "exists", "missing",
    ]
    static let protocols: Set<String> = [
        "ip", "ip6", "tcp", "udp", "udplite", "sctp", "dccp", "th", "ether", "vlan", "arp", "icmp", "icmpv6", "igmp", "ah",
        "esp", "comp", "gre", "hbh", "frag", "dst", "mh", "srh", "rt0", "rt2", "rt4",
    ]
    /// `meta` keys nft also accepts without `meta`.
    static let bareMetaKeys: Set<String> = [
        "mark", "iif", "iifname", "iiftype", "oif", "oifname", "oiftype", "skuid", "skgid", "nfproto", "l4proto",
        "pkttype", "cpu", "iifgroup", "oifgroup", "cgroup", "rtclassid", "nftrace", "ibrname", "obrname",
    ]
    static let otherSelectors: Set<String> = [
        "meta", "ct", "fib", "rt", "socket", "osf", "numgen", "jhash", "symhash", "ipsec", "exthdr", "tunnel",
    ]

    func isSelector(at position: Int) -> Bool {
        guard position < tokens.count, tokens[position].kind == .word else { return false }
        let word = tokens[position].text
        if Self.otherSelectors.contains(word) || Self.bareMetaKeys.contains(word) { return true }
        guard Self.protocols.contains(word), position + 1 < tokens.count else { return false }
        return tokens[position + 1].kind == .word && Self.fields.contains(tokens[position + 1].text)
    }

    mutating func selector() throws(LintInputError) -> NFTExpression {
        let token = try next("a selector")
        let word = token.text
        if Self.bareMetaKeys.contains(word) { return .meta(word) }
        if Self.protocols.contains(word) {
            let field = try next("a header field").text
            if field == "option" {
                // `tcp option maxseg size`, `ip option rr exists`.
                _ = try next("an option")
                if let part = peek, part.kind == .word, !Self.operatorWords.contains(part.text), part.text != "set",
                    !["exists", "missing"].contains(part.text), Self.number(part.text) == nil
                {
                    index += 1
                }
                keep("\(word) option", token)
                return .other("\(word) option")
            }
            return .payload(protocol: word, field: field)
        }
        switch word {
        case "meta":
            return .meta(try next("a meta key").text)
        case "ct":
            var parts: [String] = []
            if let direction = peek, ["original", "reply"].contains(direction.text) {
                parts.append(direction.text)
                index += 1
            }
            if let family = peek, ["ip", "ip6"].contains(family.text) {
                parts.append(family.text)
                index += 1
            }
            parts.append(try next("a ct key").text)
            if parts.last == "count" {
                _ = take("over")
                return .other("ct count")
            }
            return .conntrack(parts.joined(separator: " "))
        case "fib":
            // `fib saddr . iif oif`, `fib daddr type`.
            _ = try next("what fib looks up by: saddr, daddr, mark, iif or oif")
            while takePunctuation(".") { _ = try next("saddr, daddr, mark, iif or oif") }
            _ = try next("what fib looks up: oif, oifname, type or check")
        case "rt":
            _ = take("ip") || take("ip6")
            _ = try next("a routing key")
        case "socket":
            let key = try next("a socket key")
            if key.text == "cgroupv2", take("level") { _ = try next("a level") }
        case "osf":
            if take("ttl") { _ = try next("loose, skip or global") }
            _ = try next("name or version")
        case "numgen":
            _ = try next("inc or random")
            if take("mod") { _ = try next("a modulus") }
            if take("offset") { _ = try next("an offset") }
        case "jhash", "symhash":
            if word == "jhash" { _ = try concatenation() }
            if take("mod") { _ = try next("a modulus") }
            if take("seed") { _ = try next("a seed") }
            if take("offset") { _ = try next("an offset") }
        case "ipsec":
            _ = try next("in or out")
            if take("spnum") { _ = try next("a number") }
            _ = take("ip") || take("ip6")
            _ = try next("an ipsec key")
        case "exthdr", "tunnel":
            _ = try next("a header")
            if let field = peek, field.kind == .word, Self.fields.contains(field.text) { index += 1 }
        default:
            break
        }
        keep(word, token)
        return .other(word)
    }

    static let operatorWords: Set<String> = Set(operators.keys)

    /// A selector as written, for messages and opaque kinds.
    static func describe(_ expression: NFTExpression) -> String {
        switch expression {
        case .payload(let proto, let field): "\(proto) \(field)"
        case .meta(let key): "meta \(key)"
        case .conntrack(let key): "ct \(key)"
        case .other(let kind): kind
        case .concatenation(let items): items.map(describe).joined(separator: " . ")
        case .binary(let op, let left, let right): "\(describe(left)) \(op) \(describe(right))"
        case .number(let value): String(value)
        case .text(let text): text
        default: "an expression"
        }
    }
}
