import IPVSModel

/// Parses keepalived.conf into the same model as an ipvsadm rules file, so every rule applies
/// to keepalived users and findings point at keepalived.conf lines.
///
/// Read in depth: `virtual_server` (address and port, `fwmark`, `group`), `virtual_server_group`
/// and each `real_server`, with every keyword keepalived 2.2 accepts there; values keepalived
/// itself rejects (an unknown `lb_kind` or `protocol`, a keyword it does not know, unbalanced
/// braces) are errors here too, so a file keepalived refuses is never reported clean. Health
/// checker blocks and the other top-level blocks (`global_defs`, `vrrp_*`, `static_*`, …) are
/// checked for balanced braces only: they do not configure IPVS.
public enum KeepalivedParser {
    /// Reads an included file: its path (already resolved against the including file's
    /// directory and expanded from a glob) → the file. Nil means no such file.
    public typealias Loader = (_ path: String) throws(LintInputError) -> SourceFile?
    /// Expands an `include` glob to paths, sorted.
    public typealias Expander = (_ pattern: String) -> [String]

    /// The configuration and every file it read (the main file first, then includes).
    public static func parse(
        _ file: SourceFile, load: @escaping Loader = { _ throws(LintInputError) in nil }, expand: @escaping Expander = { [$0] }
    ) throws(LintInputError) -> (IPVSConfiguration, [SourceFile]) {
        var reader = TokenReader(load: load, expand: expand)
        try reader.read(file, depth: 0)
        var statements = StatementBuilder(tokens: reader.tokens)
        let tree = try statements.block(opener: nil)
        var model = ModelBuilder(file: file)
        try model.top(tree)
        return (model.configuration, reader.files)
    }

    // MARK: Tokens

    struct Token {
        var text: String
        var location: SourceLocation
        /// Index of the physical line among all lines read (statements end at line ends).
        var line: Int
        var quoted: Bool
    }

    struct TokenReader {
        let load: Loader
        let expand: Expander
        var tokens: [Token] = []
        var files: [SourceFile] = []
        var physicalLine = 0
        /// The files being read, outermost first: including one of them again is a cycle.
        var including: [String] = []
        /// A bound on files read in all, so that a tree of includes cannot grow without end
        /// (each file including the next twice doubles the work at every level).
        static let maximumFiles = 1_000

        mutating func read(_ file: SourceFile, depth: Int) throws(LintInputError) {
            files.append(file)
            including.append(file.name)
            defer { including.removeLast() }
            for (index, line) in file.lines.enumerated() {
                physicalLine += 1
                let words = try Self.split(line, file: file, line: index + 1)
                if let first = words.first, first.text == "include", !first.quoted {
                    guard words.count == 2 else {
                        throw LintInputError(
                            first.location, found: words.count == 1 ? "include without a file" : LintInputError.quote(line),
                            expected: "include FILE (a path or a glob)")
                    }
                    guard depth < 16 else {
                        throw LintInputError(
                            first.location, found: "includes nested 16 deep", expected: "includes without a cycle")
                    }
                    let pattern = file.resolve(words[1].text)
                    let paths = expand(pattern)
                    var found = false
                    for path in paths {
                        guard let included = try load(path) else { continue }
                        found = true
                        if including.contains(included.name) {
                            throw LintInputError(
                                words[1].location,
                                found: "an include cycle (" + (including + [included.name]).joined(separator: " → ") + ")",
                                expected: "includes without a cycle")
                        }
                        guard files.count < Self.maximumFiles else {
                            throw LintInputError(
                                words[1].location, found: "more than \(Self.maximumFiles) included files",
                                expected: "fewer includes")
                        }
                        try read(included, depth: depth + 1)
                    }
                    // keepalived reads a glob that matches nothing as nothing; a plain path
                    // that is missing is an error.
                    if !found && !pattern.contains(where: { "*?[".contains($0) }) {
                        throw LintInputError(
                            words[1].location, found: "no file \(pattern)", expected: "an included file that exists")
                    }
                    continue
                }
                if let first = words.first, !first.quoted,
                    first.text.hasPrefix("$") || first.text.hasPrefix("@") || first.text.hasPrefix("~")
                {
                    throw LintInputError(
                        first.location, found: LintInputError.quote(first.text),
                        expected:
                            "a keyword (keepalived's $VARIABLE definitions, @host and ~SEQ lines are not read by the linter; lint the expanded file)"
                    )
                }
                for word in words {
                    tokens.append(Token(text: word.text, location: word.location, line: physicalLine, quoted: word.quoted))
                }
            }
        }

        /// Words of a line: `#` and `!` start a comment outside quotes; `{` and `}` are words
        /// of their own; "quoted strings" are one word.
        static func split(_ line: Substring, file: SourceFile, line number: Int) throws(LintInputError) -> [(
            text: String, location: SourceLocation, quoted: Bool
        )] {
            var out: [(String, SourceLocation, Bool)] = []
            var current = ""
            var start = 0
            var column = 0
            var quoteStart: Int?
            func flush() {
                if !current.isEmpty {
                    out.append(
                        (
                            current, SourceLocation(file: file.id, line: number, column: start, endColumn: start + current.count),
                            false
                        ))
                    current = ""
                }
            }
            for character in line {
                column += 1
                if let opened = quoteStart {
                    if character == "\"" {
                        out.append(
                            (current, SourceLocation(file: file.id, line: number, column: opened, endColumn: column + 1), true))
                        current = ""
                        quoteStart = nil
                    } else {
                        current.append(character)
                    }
                    continue
                }
                switch character {
                case "#", "!":
                    flush()
                    return out
                case " ", "\t", "\r":
                    flush()
                case "{", "}":
                    flush()
                    out.append(
                        (
                            String(character), SourceLocation(file: file.id, line: number, column: column, endColumn: column + 1),
                            false
                        ))
                case "\"":
                    flush()
                    quoteStart = column
                default:
                    if current.isEmpty { start = column }
                    current.append(character)
                }
            }
            if let opened = quoteStart {
                throw LintInputError(
                    SourceLocation(file: file.id, line: number, column: opened), found: "a quote that is not closed",
                    expected: "a closing \" on the same line")
            }
            flush()
            return out
        }
    }

    // MARK: Statements

    /// A keyword, its arguments on the same line, and its block if it opens one.
    struct Statement {
        var keyword: Token
        var arguments: [Token]
        var block: [Statement]?
        var location: SourceLocation { keyword.location }
        var name: String { keyword.text }
    }

    struct StatementBuilder {
        let tokens: [Token]
        var position = 0

        /// Blocks nest at most this deep. keepalived's deepest real nesting is a handful of
        /// levels (virtual_server → real_server → HTTP_GET → url); the bound keeps a hostile
        /// file from exhausting the stack, which each level of ``block(opener:depth:)`` uses.
        static let maximumDepth = 64

        /// Statements up to the `}` closing `opener` (or the end of input at the top).
        mutating func block(opener: Token?, depth: Int = 0) throws(LintInputError) -> [Statement] {
            if let opener, depth > Self.maximumDepth {
                throw LintInputError(
                    opener.location, found: "{ nested \(depth) levels deep",
                    expected: "blocks nested at most \(Self.maximumDepth) deep")
            }
            var statements: [Statement] = []
            while position < tokens.count {
                let token = tokens[position]
                if token.text == "}" && !token.quoted {
                    guard opener != nil else {
                        throw LintInputError(token.location, found: "} that closes nothing", expected: "a keyword")
                    }
                    position += 1
                    return statements
                }
                if token.text == "{" && !token.quoted {
                    // A block opened on the line after its keyword.
                    guard var last = statements.popLast(), last.block == nil else {
                        throw LintInputError(token.location, found: "{ without a keyword", expected: "a keyword before {")
                    }
                    position += 1
                    last.block = try block(opener: token, depth: depth + 1)
                    statements.append(last)
                    continue
                }
                position += 1
                var statement = Statement(keyword: token, arguments: [], block: nil)
                while position < tokens.count, tokens[position].line == token.line {
                    let next = tokens[position]
                    if !next.quoted && next.text == "}" { break }
                    position += 1
                    if !next.quoted && next.text == "{" {
                        statement.block = try block(opener: next, depth: depth + 1)
                        break
                    }
                    statement.arguments.append(next)
                }
                statements.append(statement)
            }
            if let opener {
                throw LintInputError(opener.location, found: "{ that is never closed", expected: "a matching }")
            }
            return statements
        }
    }

    // MARK: The model

    static let topLevel: Set<String> = [
        "global_defs", "vrrp_instance", "vrrp_sync_group", "vrrp_script", "vrrp_track_process", "track_file", "vrrp_track_file",
        "static_ipaddress", "static_routes", "static_rules", "virtual_server", "virtual_server_group", "garp_group",
        "bfd_instance", "SSL",
    ]
    /// Keywords keepalived 2.2 accepts in a virtual_server that do not change the IPVS service.
    static let serviceKeywordsIgnored: Set<String> = [
        "ip_family", "retry", "delay_before_retry", "warmup", "delay_loop", "inhibit_on_failure", "ha_suspend", "smtp_alert",
        "virtualhost", "alpha", "omega", "quorum_up", "quorum_down", "quorum", "hysteresis", "weight", "sorry_server",
        "sorry_server_inhibit", "sorry_server_lvs_method", "connect_timeout", "hashed",
    ]
    /// Keywords of a real_server that do not change the IPVS destination.
    static let serverKeywordsIgnored: Set<String> = [
        "inhibit_on_failure", "notify_up", "notify_down", "alpha", "retry", "delay_before_retry", "warmup", "delay_loop",
        "smtp_alert", "virtualhost", "connect_timeout",
    ]
    static let checkers: Set<String> = [
        "TCP_CHECK", "HTTP_GET", "SSL_GET", "MISC_CHECK", "SMTP_CHECK", "DNS_CHECK", "BFD_CHECK", "UDP_CHECK", "PING_CHECK",
        "FILE_CHECK",
    ]

    struct GroupMember {
        var identity: ServiceIdentity
        var location: SourceLocation
    }

    struct ModelBuilder {
        var configuration: IPVSConfiguration
        var groups: [String: [GroupMember]] = [:]

        init(file: SourceFile) {
            configuration = IPVSConfiguration(file: file)
            configuration.fromKeepalived = true
        }

        mutating func top(_ statements: [Statement]) throws(LintInputError) {
            // Groups first: a virtual_server may name a group defined after it.
            for statement in statements where statement.name == "virtual_server_group" {
                try group(statement)
            }
            for statement in statements {
                guard KeepalivedParser.topLevel.contains(statement.name) else {
                    throw LintInputError(
                        statement.location, found: LintInputError.quote(statement.name),
                        expected:
                            "a keepalived top-level keyword (global_defs, vrrp_instance, virtual_server, virtual_server_group, …)"
                    )
                }
                if statement.name == "virtual_server" { try virtualServer(statement) }
            }
        }

        mutating func group(_ statement: Statement) throws(LintInputError) {
            guard statement.arguments.count == 1, let block = statement.block else {
                throw LintInputError(
                    statement.location, found: LintInputError.quote(statement.name), expected: "virtual_server_group NAME { … }")
            }
            var members: [GroupMember] = []
            var families: Set<IPAddress.Family> = []
            var hasMark = false
            for entry in block {
                if entry.name == "fwmark" {
                    hasMark = true
                    let mark = try number(entry.arguments.first, in: entry, what: "a firewall mark", range: 1...Int64(UInt32.max))
                    members.append(GroupMember(identity: .firewallMark(mark, ipv6: false), location: entry.location))
                    continue
                }
                // ADDRESS[-LAST] PORT: a range of addresses differing in the last byte (IPv4)
                // or the last group (IPv6).
                let text = entry.name
                let (first, last) = try addressRange(text, at: entry.location)
                families.insert(first.family)
                let port = try number(entry.arguments.first, in: entry, what: "a port", range: 0...65535)
                for address in expand(first, to: last) {
                    members.append(
                        GroupMember(identity: .address(.tcp, .address(address), .number(UInt16(port))), location: entry.location))
                }
            }
            // keepalived cannot tell which family the marks are for and drops the group.
            if families.count > 1 && hasMark {
                throw LintInputError(
                    statement.location,
                    found: "IPv4 and IPv6 addresses and a fwmark in virtual_server_group \(statement.arguments[0].text)",
                    expected: "addresses of one family beside a fwmark, or ip_family in the virtual_server")
            }
            groups[statement.arguments[0].text] = members
        }

        mutating func virtualServer(_ statement: Statement) throws(LintInputError) {
            guard let block = statement.block else {
                throw LintInputError(
                    statement.location, found: "virtual_server without a block", expected: "virtual_server ADDRESS PORT { … }")
            }
            var identities: [(ServiceIdentity, SourceLocation)] = []
            let arguments = statement.arguments
            var ipv6Family = false
            for entry in block where entry.name == "ip_family" {
                guard let value = entry.arguments.first?.text, value == "inet" || value == "inet6" else {
                    throw LintInputError(
                        entry.location, found: LintInputError.quote(entry.arguments.first?.text ?? "nothing"),
                        expected: "inet or inet6")
                }
                ipv6Family = value == "inet6"
            }
            if arguments.first?.text == "fwmark" {
                let mark = try number(
                    arguments.dropFirst().first, in: statement, what: "a firewall mark", range: 1...Int64(UInt32.max))
                identities = [(.firewallMark(mark, ipv6: ipv6Family), arguments[0].location)]
            } else if arguments.first?.text == "group" {
                guard arguments.count == 2 else {
                    throw LintInputError(
                        statement.location, found: LintInputError.quote(statement.name),
                        expected: "virtual_server group NAME { … }")
                }
                guard let members = groups[arguments[1].text] else {
                    throw LintInputError(
                        arguments[1].location, found: "no virtual_server_group \(arguments[1].text)",
                        expected: "a group defined in the file")
                }
                // keepalived drops an empty group with a warning, and with it this virtual
                // server: nothing of it would reach the kernel.
                guard !members.isEmpty else {
                    throw LintInputError(
                        arguments[1].location,
                        found:
                            "virtual_server_group \(arguments[1].text) without members (keepalived removes it, and this virtual_server with it)",
                        expected: "a group with at least one address or fwmark")
                }
                identities = members.map { member in
                    if case .firewallMark(let mark, _) = member.identity {
                        return (.firewallMark(mark, ipv6: ipv6Family), member.location)
                    }
                    return (member.identity, member.location)
                }
            } else {
                guard arguments.count == 2, let first = arguments.first else {
                    throw LintInputError(
                        statement.location, found: LintInputError.quote(arguments.map(\.text).joined(separator: " ")),
                        expected: "virtual_server ADDRESS PORT, virtual_server fwmark MARK or virtual_server group NAME")
                }
                guard let address = IPAddress(first.text) else {
                    throw LintInputError(
                        first.location, found: LintInputError.quote(first.text), expected: "an IPv4 or IPv6 address")
                }
                let port = try number(arguments[1], in: statement, what: "a port", range: 0...65535)
                identities = [(.address(.tcp, .address(address), .number(UInt16(port))), first.location)]
            }

            var service = ServiceDefinition(
                identity: identities[0].0, location: statement.location, identityLocation: identities[0].1)
            var proto = TransportProtocol.tcp
            var forwarding = ForwardingMethod.masquerading
            var flags: [String] = []
            var flagsLocation: SourceLocation?
            for entry in block {
                switch entry.name {
                case "lb_algo", "lvs_sched":
                    let name = try argument(entry, what: "a scheduler name")
                    service.scheduler = Located(name.text, name.location)
                case "lb_kind", "lvs_method":
                    forwarding = try method(entry)
                case "protocol":
                    let name = try argument(entry, what: "TCP, UDP or SCTP")
                    // keepalived compares the protocol without regard to case (unlike lb_kind).
                    switch name.text.uppercased() {
                    case "TCP": proto = .tcp
                    case "UDP": proto = .udp
                    case "SCTP": proto = .sctp
                    default:
                        throw LintInputError(name.location, found: LintInputError.quote(name.text), expected: "TCP, UDP or SCTP")
                    }
                case "persistence_timeout":
                    let value = try number(entry.arguments.first, in: entry, what: "seconds", range: 0...Int64(Int32.max))
                    service.persistence = Located(value, entry.arguments[0].location)
                case "persistence_granularity":
                    let value = try argument(entry, what: "a netmask (255.255.255.0) or an IPv6 prefix length")
                    if let length = Int64(value.text) {
                        service.netmask = Located(.prefix(length), value.location)
                    } else {
                        service.netmask = Located(.dotted(value.text, IPAddress(value.text)), value.location)
                    }
                case "persistence_engine":
                    let name = try argument(entry, what: "a persistence engine (sip)")
                    service.persistenceEngine = Located(name.text, name.location)
                case "ops":
                    service.onePacket = entry.location
                case let keyword where Scheduler.flagNames.contains(keyword):
                    flags.append(keyword)
                    flagsLocation = flagsLocation ?? entry.location
                case "real_server", "ip_family":
                    break
                case let keyword where KeepalivedParser.serviceKeywordsIgnored.contains(keyword):
                    break
                default:
                    throw LintInputError(
                        entry.location, found: LintInputError.quote(entry.name),
                        expected: "a virtual_server keyword (lb_algo, lb_kind, protocol, persistence_timeout, real_server, …)")
                }
            }
            if let flagsLocation { service.schedulerFlags = Located(flags, flagsLocation) }
            for entry in block where entry.name == "real_server" {
                service.realServers.append(try realServer(entry, forwarding: forwarding, service: service))
            }
            for (identity, location) in identities {
                var copy = service
                switch identity {
                case .address(_, let host, let port): copy.identity = .address(proto, host, port)
                case .firewallMark: copy.identity = identity
                }
                copy.identityLocation = location
                add(copy)
            }
        }

        mutating func add(_ service: ServiceDefinition) {
            if let first = configuration.services.first(where: { $0.identity.sameService(as: service.identity) }) {
                configuration.duplicateServices.append((service, first: first.location))
                return
            }
            var unique = service
            unique.realServers = []
            for server in service.realServers {
                if let first = unique.realServers.first(where: {
                    $0.address == server.address && $0.writtenPort?.number == server.writtenPort?.number
                }) {
                    configuration.duplicateRealServers.append((service.identity, server, first: first.location))
                } else {
                    unique.realServers.append(server)
                }
            }
            configuration.services.append(unique)
        }

        func realServer(_ statement: Statement, forwarding: ForwardingMethod, service: ServiceDefinition) throws(LintInputError)
            -> RealServerDefinition
        {
            guard let addressToken = statement.arguments.first, statement.arguments.count <= 2 else {
                throw LintInputError(
                    statement.location, found: LintInputError.quote(statement.name), expected: "real_server ADDRESS [PORT] { … }")
            }
            guard let address = IPAddress(addressToken.text) else {
                throw LintInputError(
                    addressToken.location, found: LintInputError.quote(addressToken.text), expected: "an IPv4 or IPv6 address")
            }
            var port: PortReference?
            if statement.arguments.count == 2 {
                port = .number(UInt16(try number(statement.arguments[1], in: statement, what: "a port", range: 0...65535)))
            }
            var server = RealServerDefinition(
                address: .address(address), addressText: addressToken.text, writtenPort: port,
                effectivePort: port ?? service.identity.port, forwarding: forwarding, location: statement.location,
                addressLocation: addressToken.location)
            for entry in statement.block ?? [] {
                switch entry.name {
                case "weight":
                    server.weight = Located(
                        try number(
                            entry.arguments.first, in: entry, what: "a weight", range: Int64(Int32.min)...Int64(Int32.max)),
                        entry.arguments[0].location)
                case "uthreshold":
                    server.upperThreshold = Located(
                        try number(entry.arguments.first, in: entry, what: "a connection count", range: 0...Int64(UInt32.max)),
                        entry.arguments[0].location)
                case "lthreshold":
                    server.lowerThreshold = Located(
                        try number(entry.arguments.first, in: entry, what: "a connection count", range: 0...Int64(UInt32.max)),
                        entry.arguments[0].location)
                case "lvs_method":
                    server.forwarding = try method(entry)
                case let keyword
                where KeepalivedParser.checkers.contains(keyword) || KeepalivedParser.serverKeywordsIgnored.contains(keyword):
                    break
                default:
                    throw LintInputError(
                        entry.location, found: LintInputError.quote(entry.name),
                        expected:
                            "a real_server keyword (weight, uthreshold, lthreshold, lvs_method, inhibit_on_failure, a health checker such as TCP_CHECK, …)"
                    )
                }
            }
            return server
        }

        func method(_ entry: Statement) throws(LintInputError) -> ForwardingMethod {
            let value = try argument(entry, what: "NAT, DR or TUN")
            switch value.text {
            case "NAT": return .masquerading
            case "DR": return .directRouting
            case "TUN": return .tunneling
            default:
                throw LintInputError(
                    value.location, found: LintInputError.quote(value.text), expected: "NAT, DR or TUN (upper case)")
            }
        }

        func argument(_ entry: Statement, what: String) throws(LintInputError) -> Token {
            guard let first = entry.arguments.first else {
                throw LintInputError(entry.location, found: "\(entry.name) without a value", expected: what)
            }
            return first
        }

        func number(_ token: Token?, in entry: Statement, what: String, range: ClosedRange<Int64>) throws(LintInputError) -> Int64
        {
            guard let token else { throw LintInputError(entry.location, found: "\(entry.name) without a value", expected: what) }
            guard let value = Int64(token.text), range.contains(value) else {
                throw LintInputError(
                    token.location, found: LintInputError.quote(token.text),
                    expected: "\(what), a whole number in \(range.lowerBound)...\(range.upperBound)")
            }
            return value
        }

        func addressRange(_ text: String, at location: SourceLocation) throws(LintInputError) -> (IPAddress, IPAddress) {
            if let address = IPAddress(text) { return (address, address) }
            if let dash = text.lastIndex(of: "-"), let first = IPAddress(String(text[..<dash])) {
                let suffix = String(text[text.index(after: dash)...])
                let lastText: String
                if first.family == .ipv4 {
                    lastText = String(text[..<dash].split(separator: ".").dropLast().joined(separator: ".")) + "." + suffix
                } else {
                    let prefix = text[..<dash]
                    lastText = String(prefix[...(prefix.lastIndex(of: ":") ?? prefix.startIndex)]) + suffix
                }
                if let last = IPAddress(lastText), last.family == first.family, Self.lastPart(last) >= Self.lastPart(first) {
                    return (first, last)
                }
            }
            throw LintInputError(
                location, found: LintInputError.quote(text), expected: "an address, or a range such as 10.0.0.1-10, then a port")
        }

        static func lastPart(_ address: IPAddress) -> Int {
            let bytes = address.bytes
            return address.family == .ipv4 ? Int(bytes[3]) : Int(bytes[14]) << 8 | Int(bytes[15])
        }

        func expand(_ first: IPAddress, to last: IPAddress) -> [IPAddress] {
            if first == last { return [first] }
            var out: [IPAddress] = []
            var bytes = first.bytes
            for value in Self.lastPart(first)...Self.lastPart(last) {
                if first.family == .ipv4 {
                    bytes[3] = UInt8(value)
                } else {
                    bytes[14] = UInt8(value >> 8)
                    bytes[15] = UInt8(value & 0xFF)
                }
                if let address = IPAddress(bytes: bytes) { out.append(address) }
            }
            return out
        }
    }
}
