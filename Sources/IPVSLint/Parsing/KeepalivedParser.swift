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
    /// - Parameter configID: what `@ID` lines are compared with, as keepalived's `--config-id`;
    ///   nil for keepalived's default, this host's name up to its first dot.
    public static func parse(
        _ file: SourceFile, configID: String? = nil, load: @escaping Loader = { _ throws(LintInputError) in nil },
        expand: @escaping Expander = { [$0] }
    ) throws(LintInputError) -> (IPVSConfiguration, [SourceFile]) {
        var reader = TokenReader(load: load, expand: expand, preprocessor: KeepalivedPreprocessor(configID: configID))
        try reader.read(file, depth: 0)
        var statements = StatementBuilder(tokens: reader.tokens)
        let tree = try statements.block(opener: nil)
        var model = ModelBuilder(file: file)
        try model.top(tree)
        model.configuration.sourceNames = Set(reader.files.map(\.id))
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

        /// keepalived's lexical layer (conditional lines, definitions, ~SEQ), shared by every
        /// file read: definitions carry across includes.
        var preprocessor: KeepalivedPreprocessor

        static let includeKeywords: Set<String> = ["include", "includer", "includem", "includew", "includeb", "includea"]

        mutating func read(_ file: SourceFile, depth: Int) throws(LintInputError) {
            files.append(file)
            including.append(file.name)
            defer { including.removeLast() }
            for (index, line) in file.lines.enumerated() {
                physicalLine += 1
                let number = index + 1
                // A plain line never starts with an include keyword: the preprocessor leaves
                // every line that does to its long way.
                if preprocessor.passesThrough(line) {
                    append(try Self.split(line, file: file, line: number))
                    continue
                }
                let logical = try preprocessor.readLines(from: line, file: file, number: number)
                let written = try Self.split(line, file: file, line: number)
                var words: [Word] = []
                for text in logical {
                    words += try Self.split(Substring(text), file: file, line: number, comments: false)
                }
                // A line the preprocessor left as written keeps its own columns; one it changed
                // (a definition, a ~SEQ, a conditional) is located at the words it became.
                let unchanged = written.map(\.text) == words.map(\.text)
                if unchanged {
                    words = written
                } else {
                    words = []
                    for text in logical {
                        let lineWords = try Self.split(Substring(text), file: file, line: number, comments: false)
                        if let first = lineWords.first, !first.quoted, Self.includeKeywords.contains(first.text) {
                            try include(lineWords, line: Substring(text), in: file, depth: depth)
                            continue
                        }
                        words += lineWords
                    }
                    append(words)
                    continue
                }
                if let first = words.first, !first.quoted, Self.includeKeywords.contains(first.text) {
                    try include(words, line: line, in: file, depth: depth)
                    continue
                }
                append(words)
            }
            try preprocessor.finish(file)
        }

        mutating func append(_ words: [Word]) {
            for word in words {
                tokens.append(Token(text: word.text, location: word.location, line: physicalLine, quoted: word.quoted))
            }
        }

        typealias Word = (text: String, location: SourceLocation, quoted: Bool)

        /// `include FILE` (and keepalived's includer, includem, … variants): a path or a glob.
        mutating func include(_ words: [Word], line: Substring, in file: SourceFile, depth: Int) throws(LintInputError) {
            let first = words[0]
            guard words.count == 2 else {
                throw LintInputError(
                    first.location, found: words.count == 1 ? "include without a file" : LintInputError.quote(line),
                    expected: "include FILE (a path or a glob)")
            }
            guard depth < 16 else {
                throw LintInputError(first.location, found: "includes nested 16 deep", expected: "includes without a cycle")
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
                        words[1].location, found: "more than \(Self.maximumFiles) included files", expected: "fewer includes")
                }
                try read(included, depth: depth + 1)
            }
            // keepalived reads a glob that matches nothing as nothing; a plain path that is
            // missing is an error.
            if !found && !pattern.contains(where: { "*?[".contains($0) }) {
                throw LintInputError(words[1].location, found: "no file \(pattern)", expected: "an included file that exists")
            }
        }

        /// Words of a line: `#` and `!` start a comment outside quotes; `{` and `}` are words
        /// of their own; "quoted strings" are one word.
        ///
        /// Over UTF-8 bytes: every delimiter is ASCII, which never occurs inside a multi-byte
        /// sequence, and a ~SEQ can legitimately expand into tens of thousands of lines, where
        /// walking Characters (grapheme breaking, String comparison per case) cost 0.5 s for a
        /// 2 KB file. Columns count Unicode scalars (lead bytes).
        static func split(_ line: Substring, file: SourceFile, line number: Int, comments: Bool = true) throws(LintInputError)
            -> [Word]
        {
            var out: [(String, SourceLocation, Bool)] = []
            var current: [UInt8] = []
            var currentColumns = 0
            var start = 0
            var column = 0
            var quoteStart: Int?
            func flush() {
                if !current.isEmpty {
                    out.append(
                        (
                            String(decoding: current, as: UTF8.self),
                            SourceLocation(file: file.id, line: number, column: start, endColumn: start + currentColumns), false
                        ))
                    current.removeAll(keepingCapacity: true)
                    currentColumns = 0
                }
            }
            for byte in line.utf8 {
                let leads = byte & 0xC0 != 0x80
                if leads { column += 1 }
                if let opened = quoteStart {
                    if byte == UInt8(ascii: "\"") {
                        out.append(
                            (
                                String(decoding: current, as: UTF8.self),
                                SourceLocation(file: file.id, line: number, column: opened, endColumn: column + 1), true
                            ))
                        current.removeAll(keepingCapacity: true)
                        currentColumns = 0
                        quoteStart = nil
                    } else {
                        current.append(byte)
                    }
                    continue
                }
                switch byte {
                case UInt8(ascii: "#") where comments, UInt8(ascii: "!") where comments:
                    flush()
                    return out
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    flush()
                case UInt8(ascii: "{"), UInt8(ascii: "}"):
                    flush()
                    out.append(
                        (
                            byte == UInt8(ascii: "{") ? "{" : "}",
                            SourceLocation(file: file.id, line: number, column: column, endColumn: column + 1), false
                        ))
                case UInt8(ascii: "\""):
                    flush()
                    quoteStart = column
                default:
                    if current.isEmpty { start = column }
                    current.append(byte)
                    if leads { currentColumns += 1 }
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

    /// Every top-level keyword of keepalived 2.2.7 (`install_keyword_root` in global_parser.c,
    /// vrrp_parser.c, track_file.c, bfd_parser.c and check_parser.c). Only the IPVS ones are read
    /// in depth; the others configure VRRP, BFD, trackers or the process.
    static let topLevel: Set<String> = [
        "global_defs", "linkbeat_use_polling", "net_namespace", "net_namespace_ipvs", "namespace_with_ipsets", "use_pid_dir",
        "instance", "child_wait_time", "track_group", "static_ipaddress", "static_routes", "static_rules",
        "vrrp_sync_group", "garp_group", "linkbeat_interfaces", "vrrp_instance", "vrrp_script", "vrrp_track_process",
        "interface_up_down_delays", "track_file", "vrrp_track_file", "bfd_instance", "SSL", "virtual_server",
        "virtual_server_group",
    ]
    /// Keywords keepalived 2.2.7 accepts in a virtual_server that do not change the IPVS service
    /// (`snmp_name` exists when keepalived is built with SNMP, as Debian's is).
    static let serviceKeywordsIgnored: Set<String> = [
        "ip_family", "retry", "delay_before_retry", "warmup", "delay_loop", "inhibit_on_failure", "ha_suspend", "smtp_alert",
        "virtualhost", "alpha", "omega", "quorum_up", "quorum_down", "quorum", "hysteresis", "weight", "sorry_server",
        "sorry_server_inhibit", "sorry_server_lvs_method", "connect_timeout", "hashed", "snmp_name",
    ]
    /// Keywords of a real_server that do not change the IPVS destination.
    static let serverKeywordsIgnored: Set<String> = [
        "inhibit_on_failure", "notify_up", "notify_down", "alpha", "retry", "delay_before_retry", "warmup", "delay_loop",
        "smtp_alert", "virtualhost", "connect_timeout", "snmp_name",
    ]
    static let checkers: Set<String> = [
        "TCP_CHECK", "HTTP_GET", "SSL_GET", "MISC_CHECK", "SMTP_CHECK", "DNS_CHECK", "BFD_CHECK", "UDP_CHECK", "PING_CHECK",
        "FILE_CHECK",
    ]

    /// One service a `virtual_server_group` line stands for.
    struct GroupMember {
        var identity: ServiceIdentity
        var location: SourceLocation
        /// `fwmark N inet|inet6`: the family written beside the mark.
        var markFamily: IPAddress.Family?
    }

    /// A `virtual_server_group`'s members and what its addresses say about the family of its marks.
    struct Group {
        var members: [GroupMember] = []
        var addressFamilies: Set<IPAddress.Family> = []
    }

    /// What an `lvs_method` line sets: the method and, for tunnels, their options.
    struct Forwarding {
        var method: ForwardingMethod
        var tunnelType: Located<String>?
        var tunnelPort: Located<Int64>?
        var tunnelChecksum: Located<String>?

        init(method: ForwardingMethod) { self.method = method }

        func apply(to server: inout RealServerDefinition) {
            server.forwarding = method
            server.tunnelType = tunnelType
            server.tunnelPort = tunnelPort
            server.tunnelChecksum = tunnelChecksum
        }
    }

    struct ModelBuilder {
        var configuration: IPVSConfiguration
        /// Where each service is in `configuration.services`: a group makes one service per
        /// address, and searching them all for each one took a debug build 22 s for a /18.
        var serviceIndex: [ServiceIdentity.Key: Int] = [:]
        var groups: [String: Group] = [:]
        /// `nftables_ipvs` in global_defs: keepalived turns each `virtual_server group` (whose
        /// group has no fwmark) into a firewall-mark service, one mark per group and protocol,
        /// from `nftables_ipvs_start_fwmark` up in the order of the virtual_server blocks.
        struct AutoMarks {
            var table: String
            var priority: Int
            var priorityLocation: SourceLocation
            var next: Int64
            var assigned: [String: Int64] = [:]
        }
        var autoMarks: AutoMarks?

        init(file: SourceFile) {
            configuration = IPVSConfiguration(file: file)
            configuration.fromKeepalived = true
        }

        mutating func top(_ statements: [Statement]) throws(LintInputError) {
            // Groups first: a virtual_server may name a group defined after it.
            for statement in statements where statement.name == "virtual_server_group" {
                try group(statement)
            }
            for statement in statements where statement.name == "global_defs" {
                for entry in statement.block ?? [] { try nftablesIPVS(entry) }
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
                if statement.name == "global_defs" {
                    for entry in statement.block ?? [] where entry.name == "lvs_timeouts" { try timeouts(entry) }
                }
            }
        }

        /// `nftables_ipvs [TABLE]`, `nftables_ipvs_priority N`, `nftables_ipvs_start_fwmark N`
        /// (global_parser.c): `nftables_ipvs` sets the other two to -1 and 1000, so they count
        /// only after it.
        mutating func nftablesIPVS(_ entry: Statement) throws(LintInputError) {
            switch entry.name {
            case "nftables_ipvs":
                guard autoMarks == nil else { return }  // keepalived ignores a second one
                autoMarks = AutoMarks(
                    table: entry.arguments.first?.text ?? "keepalived_ipvs", priority: -1, priorityLocation: entry.location,
                    next: 1000)
            case "nftables_ipvs_priority" where autoMarks != nil:
                autoMarks!.priority = Int(
                    try number(entry.arguments.first, in: entry, what: "a priority", range: Int64(Int32.min)...Int64(Int32.max)))
                autoMarks!.priorityLocation = entry.location
            case "nftables_ipvs_start_fwmark" where autoMarks != nil:
                autoMarks!.next = try number(
                    entry.arguments.first, in: entry, what: "a firewall mark", range: 1...Int64(UInt32.max))
            default:
                return
            }
        }

        /// `lvs_timeouts [tcp N] [tcpfin N] [udp N]` in global_defs: keepalived sets them as
        /// `ipvsadm --set` would, a value left out (or 0) staying as the kernel has it.
        mutating func timeouts(_ entry: Statement) throws(LintInputError) {
            guard entry.arguments.count >= 2 else {
                throw LintInputError(
                    entry.location, found: "lvs_timeouts without a value", expected: "lvs_timeouts tcp N tcpfin N udp N")
            }
            var values: [Int64] = [0, 0, 0]
            var index = 0
            while index < entry.arguments.count {
                let option = entry.arguments[index]
                guard let slot = ["tcp", "tcpfin", "udp"].firstIndex(of: option.text) else {
                    throw LintInputError(
                        option.location, found: LintInputError.quote(option.text), expected: "tcp, tcpfin or udp")
                }
                let value = index + 1 < entry.arguments.count ? entry.arguments[index + 1] : nil
                values[slot] = try number(value, in: entry, what: "seconds", range: 0...2_678_400)
                index += 2
            }
            configuration.timeoutSettings.append(Located(values, entry.location))
        }

        /// keepalived creates one IPVS service per address of a range or CIDR block; past this
        /// many in one file the linter stops rather than building millions of services.
        static let maximumGroupMembers = 65_536
        var groupMemberCount = 0

        mutating func group(_ statement: Statement) throws(LintInputError) {
            guard statement.arguments.count >= 1, let block = statement.block else {
                throw LintInputError(
                    statement.location, found: LintInputError.quote(statement.name), expected: "virtual_server_group NAME { … }")
            }
            var group = Group()
            var unspecifiedMark = false
            for entry in block {
                if entry.name == "fwmark" {
                    let mark = try number(entry.arguments.first, in: entry, what: "a firewall mark", range: 0...Int64(UInt32.max))
                    var family: IPAddress.Family?
                    if entry.arguments.count > 1 {
                        switch entry.arguments[1].text {
                        case "inet": family = .ipv4
                        case "inet6": family = .ipv6
                        default:
                            throw LintInputError(
                                entry.arguments[1].location, found: LintInputError.quote(entry.arguments[1].text),
                                expected: "inet or inet6 after fwmark \(mark)")
                        }
                    } else {
                        unspecifiedMark = true
                    }
                    group.members.append(
                        GroupMember(
                            identity: .firewallMark(mark, ipv6: family == .ipv6), location: entry.location, markFamily: family))
                    continue
                }
                let (first, last) = try Self.addressRange(entry.keyword)
                group.addressFamilies.insert(first.family)
                let port = try self.port(entry.arguments.first, in: entry) ?? 0
                let count = Self.count(from: first, to: last)
                guard count <= Self.maximumGroupMembers - groupMemberCount else {
                    throw LintInputError(
                        entry.location,
                        found: "\(entry.name), \(count) addresses (keepalived creates one IPVS service for each)",
                        expected: "at most \(Self.maximumGroupMembers) group addresses in one configuration")
                }
                groupMemberCount += count
                var value = Self.integer(first)
                for _ in 0..<count {
                    group.members.append(
                        GroupMember(
                            identity: .address(.tcp, .address(Self.address(value, family: first.family)), .number(port)),
                            location: entry.location))
                    value &+= 1
                }
            }
            // keepalived cannot tell which family a mark without one is for and drops the group.
            if group.addressFamilies.count > 1 && unspecifiedMark {
                throw LintInputError(
                    statement.location,
                    found:
                        "IPv4 and IPv6 addresses and a fwmark without inet or inet6 in virtual_server_group \(statement.arguments[0].text)",
                    expected: "fwmark N inet or fwmark N inet6, or addresses of one family")
            }
            groups[statement.arguments[0].text] = group
        }

        mutating func virtualServer(_ statement: Statement) throws(LintInputError) {
            guard let block = statement.block else {
                throw LintInputError(
                    statement.location, found: "virtual_server without a block", expected: "virtual_server ADDRESS PORT { … }")
            }
            var members: [GroupMember] = []
            let arguments = statement.arguments
            var ipFamily: IPAddress.Family?
            for entry in block where entry.name == "ip_family" {
                guard let value = entry.arguments.first?.text, value == "inet" || value == "inet6" else {
                    throw LintInputError(
                        entry.location, found: LintInputError.quote(entry.arguments.first?.text ?? "nothing"),
                        expected: "inet or inet6")
                }
                ipFamily = value == "inet6" ? .ipv6 : .ipv4
            }
            var groupFamilies: Set<IPAddress.Family> = []
            if arguments.first?.text == "fwmark" {
                let mark = try number(
                    arguments.dropFirst().first, in: statement, what: "a firewall mark", range: 0...Int64(UInt32.max))
                members = [GroupMember(identity: .firewallMark(mark, ipv6: false), location: arguments[0].location)]
            } else if arguments.first?.text == "group" {
                guard arguments.count == 2 else {
                    throw LintInputError(
                        statement.location, found: LintInputError.quote(statement.name),
                        expected: "virtual_server group NAME { … }")
                }
                guard let group = groups[arguments[1].text] else {
                    throw LintInputError(
                        arguments[1].location, found: "no virtual_server_group \(arguments[1].text)",
                        expected: "a group defined in the file")
                }
                // keepalived drops an empty group with a warning, and with it this virtual
                // server: nothing of it would reach the kernel.
                guard !group.members.isEmpty else {
                    throw LintInputError(
                        arguments[1].location,
                        found:
                            "virtual_server_group \(arguments[1].text) without members (keepalived removes it, and this virtual_server with it)",
                        expected: "a group with at least one address or fwmark")
                }
                members = group.members
                groupFamilies = group.addressFamilies
            } else {
                guard (1...2).contains(arguments.count), let first = arguments.first else {
                    throw LintInputError(
                        statement.location, found: LintInputError.quote(arguments.map(\.text).joined(separator: " ")),
                        expected: "virtual_server ADDRESS PORT, virtual_server fwmark MARK or virtual_server group NAME")
                }
                guard let address = IPAddress(first.text) else {
                    throw LintInputError(
                        first.location, found: LintInputError.quote(first.text), expected: "an IPv4 or IPv6 address")
                }
                let port = try self.port(arguments.count == 2 ? arguments[1] : nil, in: statement) ?? 0
                members = [
                    GroupMember(identity: .address(.tcp, .address(address), .number(UInt16(port))), location: first.location)
                ]
            }

            var service = ServiceDefinition(
                identity: members[0].identity, location: statement.location, identityLocation: members[0].location)
            var proto: TransportProtocol?
            var forwarding = Forwarding(method: .masquerading)
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
                    // keepalived's pto_handler: no value means IPVS's default of 360 s.
                    if let written = entry.arguments.first {
                        service.persistence = Located(
                            try number(written, in: entry, what: "seconds", range: 1...2_678_400), written.location)
                    } else {
                        service.persistence = Located(360, entry.location)
                    }
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
            // What keepalived's validation changes as it loads an address service (check_data.c;
            // each makes --config-test fail, and keepalived then runs with the change).
            let addressPorts = members.compactMap { $0.identity.port?.number }
            if proto == nil && !addressPorts.isEmpty {
                service.keepalivedCorrections.append(.noProtocolMeansUDP)
            }
            if service.persistence == nil && addressPorts.contains(0) {
                service.persistence = Located(360, statement.location)
                service.keepalivedCorrections.append(.zeroPortMadePersistent)
            }
            let inhibitsAll = block.contains { $0.name == "inhibit_on_failure" }
            for entry in block where entry.name == "real_server" {
                let server = try realServer(entry, forwarding: forwarding, service: service)
                if let token = entry.arguments.first?.text, token != server.addressText {
                    configuration.formerAddressTexts[server.addressText] = token
                }
                service.realServers.append(server)
                // A checked real server is removed when its check fails, unless inhibit_on_failure
                // (here or on the virtual_server) sets its weight to 0 instead.
                let inner = entry.block ?? []
                if inner.contains(where: { KeepalivedParser.checkers.contains($0.name) }),
                    !inhibitsAll, !inner.contains(where: { $0.name == "inhibit_on_failure" })
                {
                    configuration.healthChecker = "keepalived"
                }
            }
            // The family of a mark: written beside it in the group, else `ip_family`, else the
            // group's addresses, else the real servers' (keepalived's vs_end_handler), else IPv4.
            let serverFamilies = Set(service.realServers.compactMap { $0.address.address?.family })
            if arguments.first?.text == "group", var auto = autoMarks,
                !members.contains(where: { if case .firewallMark = $0.identity { true } else { false } })
            {
                // nftables_ipvs: one firewall-mark service (ipvswrapper.c ipvs_cmd), IPv4 if the
                // group has an IPv4 address and IPv6 too if it also has one; DR and tunnel real
                // servers get port 0.
                let key = "\(arguments[1].text)/\(proto ?? .udp)"
                let mark = auto.assigned[key] ?? auto.next
                if auto.assigned[key] == nil {
                    auto.assigned[key] = mark
                    auto.next += 1
                }
                autoMarks = auto
                guard mark <= Int64(UInt32.max) else {
                    throw LintInputError(
                        arguments[1].location, found: "mark \(mark)", expected: "nftables_ipvs marks up to \(UInt32.max)")
                }
                let families: [IPAddress.Family] =
                    ipFamily.map { [$0] } ?? (groupFamilies.contains(.ipv4) ? [.ipv4] : [])
                    + (groupFamilies.contains(.ipv6) ? [.ipv6] : [])
                for family in families.isEmpty ? [.ipv4] : families {
                    var copy = service
                    copy.identity = .firewallMark(mark, ipv6: family == .ipv6)
                    copy.identityLocation = arguments[1].location
                    for index in copy.realServers.indices where copy.realServers[index].forwarding != .masquerading {
                        copy.realServers[index].writtenPort = nil
                        copy.realServers[index].effectivePort = nil
                    }
                    add(copy)
                    configuration.keepalivedMarks.append(
                        KeepalivedMark(
                            mark: UInt32(mark), family: family, table: auto.table, priority: auto.priority,
                            priorityLocation: auto.priorityLocation, location: arguments[1].location))
                }
                return
            }
            let markFamily =
                ipFamily ?? (groupFamilies.count == 1 ? groupFamilies.first : nil)
                ?? (serverFamilies.count == 1 ? serverFamilies.first : nil) ?? .ipv4
            for member in members {
                var copy = service
                switch member.identity {
                case .address(_, let host, let port): copy.identity = .address(proto ?? .udp, host, port)
                case .firewallMark(let mark, _):
                    copy.identity = .firewallMark(mark, ipv6: (member.markFamily ?? markFamily) == .ipv6)
                }
                copy.identityLocation = member.location
                add(copy)
            }
        }

        mutating func add(_ service: ServiceDefinition) {
            if let first = serviceIndex[service.identity.key] {
                configuration.duplicateServices.append((service, first: configuration.services[first].location))
                return
            }
            var unique = service
            unique.realServers = []
            var servers: [RealServerDefinition.Key: SourceLocation] = [:]
            for server in service.realServers {
                let key = RealServerDefinition.Key(address: server.address, port: server.effectivePort?.key)
                if let first = servers[key] {
                    configuration.duplicateRealServers.append((service.identity, server, first: first))
                } else {
                    servers[key] = server.location
                    unique.realServers.append(server)
                }
            }
            serviceIndex[service.identity.key] = configuration.services.count
            configuration.services.append(unique)
        }

        func realServer(_ statement: Statement, forwarding: Forwarding, service: ServiceDefinition) throws(LintInputError)
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
            let port = try self.port(statement.arguments.count == 2 ? statement.arguments[1] : nil, in: statement).map {
                PortReference.number($0)
            }
            // Written as ipvsadm writes a real server, port included, so findings and their keys
            // read the same from both inputs (`10.0.0.11:8080`, `[2001:db8::11]:8080`).
            let written =
                port.map { port in
                    address.family == .ipv6 ? "[\(addressToken.text)]:\(port)" : "\(addressToken.text):\(port)"
                } ?? addressToken.text
            var server = RealServerDefinition(
                address: .address(address), addressText: written, writtenPort: port,
                effectivePort: port ?? service.identity.port, forwarding: forwarding.method, location: statement.location,
                addressLocation: addressToken.location)
            forwarding.apply(to: &server)
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
                    try method(entry).apply(to: &server)
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
            // DR and TUN cannot change ports: keepalived resets such a real server's port to the
            // service's ("ports don't match - resetting"), as ipvsadm does.
            if server.forwarding != .masquerading, !service.identity.isFirewallMark {
                server.effectivePort = service.identity.port
            }
            return server
        }

        /// `lvs_method NAT|DR|TUN [type ipip|gue|gre] [port N] [nocsum|csum|remcsum]`, refused where
        /// keepalived 2.2.7's svr_forwarding_handler refuses it. Each line starts again from
        /// ipip without port or checksum, as keepalived's does; a real server without a line of
        /// its own has its virtual_server's.
        func method(_ entry: Statement) throws(LintInputError) -> Forwarding {
            let value = try argument(entry, what: "NAT, DR or TUN")
            var result: Forwarding
            switch value.text {
            case "NAT": result = Forwarding(method: .masquerading)
            case "DR": result = Forwarding(method: .directRouting)
            case "TUN": result = Forwarding(method: .tunneling)
            default:
                throw LintInputError(
                    value.location, found: LintInputError.quote(value.text), expected: "NAT, DR or TUN (upper case)")
            }
            let options = Array(entry.arguments.dropFirst())
            let expected = "tunnel options: type ipip|gue|gre, port N (gue), nocsum|csum|remcsum"
            var index = 0
            while index < options.count {
                let option = options[index]
                switch option.text {
                case "type", "port":
                    guard index + 1 < options.count else {
                        throw LintInputError(option.location, found: "\(option.text) without a value", expected: expected)
                    }
                    let operand = options[index + 1]
                    if option.text == "type" {
                        guard ["ipip", "gue", "gre"].contains(operand.text) else {
                            throw LintInputError(
                                operand.location, found: LintInputError.quote(operand.text), expected: "ipip, gue or gre")
                        }
                        result.tunnelType = Located(operand.text, operand.location)
                    } else {
                        result.tunnelPort = Located(
                            try number(operand, in: entry, what: "a GUE port", range: 1...65535), operand.location)
                    }
                    index += 2
                    continue
                case "nocsum", "csum", "remcsum":
                    result.tunnelChecksum = Located("--tun-" + option.text, option.location)
                default:
                    throw LintInputError(option.location, found: LintInputError.quote(option.text), expected: expected)
                }
                index += 1
            }
            let type = result.tunnelType?.value ?? "ipip"
            let checksum = result.tunnelChecksum?.value ?? "--tun-nocsum"
            if (type == "gue") != (result.tunnelPort != nil) {
                throw LintInputError(
                    result.tunnelPort?.location ?? result.tunnelType?.location ?? value.location,
                    found: type == "gue" ? "a gue tunnel without a port" : "a port for a \(type) tunnel",
                    expected: "port N with type gue, and only there")
            }
            if (type == "ipip" && checksum != "--tun-nocsum") || (type == "gre" && checksum == "--tun-remcsum") {
                throw LintInputError(
                    result.tunnelChecksum?.location ?? value.location,
                    found: "\(checksum.dropFirst(6)) on a \(type) tunnel",
                    expected: type == "ipip" ? "no checksum option on ipip" : "nocsum or csum on gre")
            }
            return result
        }

        /// A port of a group entry, a virtual_server or a real_server: nil when none is written or
        /// it is written as zeros, which keepalived (since 2.0.7) reads as "no port".
        func port(_ token: Token?, in entry: Statement) throws(LintInputError) -> UInt16? {
            guard let token, token.text.contains(where: { $0 != "0" }) else { return nil }
            return UInt16(try number(token, in: entry, what: "a port", range: 1...65535))
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

        /// A group line's first word: `ADDRESS`, `ADDRESS-LAST` (the last byte of IPv4, the last
        /// group of IPv6 in hex, greater than the first), `ADDRESS-ADDRESS` or `ADDRESS/PREFIX`
        /// with no host bits set, as keepalived 2.2.7's alloc_vsg_entry reads them.
        static func addressRange(_ word: Token) throws(LintInputError) -> (IPAddress, IPAddress) {
            let text = word.text
            let expected = "an address, a range (10.0.0.1-10 or 10.0.0.1-10.0.0.9) or a block (10.0.0.0/29), then a port"
            func refuse(_ why: String) -> LintInputError {
                LintInputError(word.location, found: LintInputError.quote(text) + why, expected: expected)
            }
            let family: IPAddress.Family = text.contains(":") ? .ipv6 : .ipv4
            let cut = text.firstIndex { $0 == "-" || $0 == "/" } ?? text.endIndex
            guard let first = IPAddress(String(text[..<cut])), first.family == family else { throw refuse("") }
            if cut == text.endIndex { return (first, first) }
            let rest = text[text.index(after: cut)...]
            let bits = family == .ipv4 ? 32 : 128
            if text[cut] == "/" {
                guard !rest.isEmpty, rest.allSatisfy({ $0.isASCII && $0.isNumber }), let prefix = Int(rest), prefix >= 1,
                    prefix <= bits
                else {
                    throw refuse(" (a prefix length 1…\(bits))")
                }
                let hostBits: UInt128 = prefix == 128 ? 0 : (UInt128(1) << (bits - prefix)) - 1
                let value = integer(first)
                guard value & hostBits == 0 else { throw refuse(" (host bits set after the prefix)") }
                return (first, address(value | hostBits, family: family))
            }
            // A whole last address when the part after the dash has a dot (IPv4) or colon (IPv6).
            if rest.contains(family == .ipv4 ? "." : ":") {
                guard let last = IPAddress(String(rest)), last.family == family else { throw refuse("") }
                guard integer(last) >= integer(first) else { throw refuse(" (the range ends before it starts)") }
                return (first, last)
            }
            let maximum: UInt128 = family == .ipv4 ? 255 : 0xFFFF
            guard !rest.isEmpty, let end = UInt128(rest, radix: family == .ipv4 ? 10 : 16), end <= maximum else {
                throw refuse(family == .ipv4 ? " (a last byte 0…255)" : " (a last group 0…ffff in hex)")
            }
            let value = integer(first)
            guard end > value & maximum else { throw refuse(" (the range must end above where it starts)") }
            return (first, address(value & ~maximum | end, family: family))
        }

        static func integer(_ address: IPAddress) -> UInt128 {
            UInt128(address.high) << 64 | UInt128(address.low)
        }

        /// The address of a family whose value is `value` (its low 32 bits for IPv4). Built from
        /// the two halves, not from bytes: a group range is expanded address by address.
        static func address(_ value: UInt128, family: IPAddress.Family) -> IPAddress {
            switch family {
            case .ipv4: IPAddress(ipv4: UInt32(truncatingIfNeeded: value))
            case .ipv6: IPAddress(ipv6High: UInt64(truncatingIfNeeded: value >> 64), low: UInt64(truncatingIfNeeded: value))
            }
        }

        /// Addresses from `first` to `last`, both included (saturating far beyond any bound).
        static func count(from first: IPAddress, to last: IPAddress) -> Int {
            let difference = integer(last) - integer(first)
            return difference >= UInt128(Int.max) ? Int.max : Int(difference) + 1
        }
    }
}
