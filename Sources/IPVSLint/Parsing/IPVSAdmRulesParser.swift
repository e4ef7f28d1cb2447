import IPVSModel
import SystemSupport

/// Parses `ipvsadm-save -n` / `ipvsadm -S -n` output and hand-written `ipvsadm -R` files.
///
/// Every option ipvsadm 1.31 accepts in a restore file is understood, short and long, with
/// `--option=value`; `#` starts a comment (ipvsadm's config_stream.c); a leading `ipvsadm` word is
/// allowed. The lines are replayed in order as `ipvsadm -R` would, so the result is the
/// configuration the file produces: `-E`/`-e` edit, `-D`/`-d` delete, `-C` clears.
///
/// Only syntax is an error here (ipvsadm's own `fail()`: the restore would stop at that line).
/// Values ipvsadm or the kernel reject later (a weight of -1, an unknown scheduler) are kept as
/// written for the rules to report.
public enum IPVSAdmRulesParser {
    public static func parse(_ file: SourceFile, serviceNames: ServiceNames = .none) throws(LintInputError) -> IPVSConfiguration {
        var state = State(file: file, names: serviceNames)
        for (index, line) in file.lines.enumerated() {
            try state.consume(line, number: index + 1)
        }
        return state.configuration
    }

    enum ValueKind {
        case none
        case required
        case optional
        case three  // --set tcp tcpfin udp
    }

    struct OptionSpec {
        var canonical: String
        var value: ValueKind
        var isCommand = false
    }

    static let options: [String: OptionSpec] = {
        var table: [String: OptionSpec] = [:]
        func add(_ names: [String], _ canonical: String, _ value: ValueKind, command: Bool = false) {
            for name in names { table[name] = OptionSpec(canonical: canonical, value: value, isCommand: command) }
        }
        add(["-A", "--add-service"], "-A", .none, command: true)
        add(["-E", "--edit-service"], "-E", .none, command: true)
        add(["-D", "--delete-service"], "-D", .none, command: true)
        add(["-C", "--clear"], "-C", .none, command: true)
        add(["-a", "--add-server"], "-a", .none, command: true)
        add(["-e", "--edit-server"], "-e", .none, command: true)
        add(["-d", "--delete-server"], "-d", .none, command: true)
        add(["-Z", "--zero"], "-Z", .none, command: true)
        add(["--set"], "--set", .three, command: true)
        add(["--start-daemon"], "--start-daemon", .required, command: true)
        add(["--stop-daemon"], "--stop-daemon", .required, command: true)
        add(["-t", "--tcp-service"], "-t", .required)
        add(["-u", "--udp-service"], "-u", .required)
        add(["--sctp-service"], "--sctp-service", .required)
        add(["-f", "--fwmark-service"], "-f", .required)
        add(["-s", "--scheduler"], "-s", .required)
        add(["-p", "--persistent"], "-p", .optional)
        add(["-M", "--netmask"], "-M", .required)
        add(["-b", "--sched-flags"], "-b", .required)
        add(["-o", "--ops"], "-o", .none)
        add(["--pe"], "--pe", .required)
        add(["-6", "--ipv6"], "-6", .none)
        add(["-r", "--real-server"], "-r", .required)
        add(["-g", "--gatewaying"], "-g", .none)
        add(["-i", "--ipip"], "-i", .none)
        add(["-m", "--masquerading"], "-m", .none)
        add(["-w", "--weight"], "-w", .required)
        add(["-x", "--u-threshold"], "-x", .required)
        add(["-y", "--l-threshold"], "-y", .required)
        add(["--tun-type"], "--tun-type", .required)
        add(["--tun-port"], "--tun-port", .required)
        add(["--tun-nocsum"], "--tun-nocsum", .none)
        add(["--tun-csum"], "--tun-csum", .none)
        add(["--tun-remcsum"], "--tun-remcsum", .none)
        add(["--mcast-interface"], "--mcast-interface", .required)
        add(["--syncid"], "--syncid", .required)
        add(["--sync-maxlen"], "--sync-maxlen", .required)
        add(["--mcast-group"], "--mcast-group", .required)
        add(["--mcast-port"], "--mcast-port", .required)
        add(["--mcast-ttl"], "--mcast-ttl", .required)
        add(["-n", "--numeric"], "-n", .none)
        return table
    }()

    /// Short options (`-a`) by their letter: looked up for every word of every line, where
    /// hashing the string would cost more than the rest of the work.
    static let shortOptions: [OptionSpec?] = (0..<128).map { byte in options["-" + String(UnicodeScalar(UInt8(byte)))] }

    static func spec(_ name: String) -> OptionSpec? {
        let utf8 = name.utf8
        if utf8.count == 2, utf8.first == UInt8(ascii: "-"), let letter = utf8.last, letter < 128 {
            return shortOptions[Int(letter)]
        }
        return options[name]
    }

    /// Commands ipvsadm accepts on its command line but that make no sense in a rules file.
    static let listingCommands: Set<String> = [
        "-L", "-l", "--list", "-S", "--save", "-R", "--restore", "-h", "--help", "-v", "--version", "-c", "--connection",
    ]

    struct Option {
        var name: String
        var values: [Word]
        var word: Word
        var isCommand = false
    }

    struct State {
        let file: SourceFile
        let names: ServiceNames
        var configuration: IPVSConfiguration
        /// Where each service is in `configuration.services`, and where each of its real servers
        /// is: a save of 10,000 services would otherwise make every line search all of them.
        var serviceIndex: [ServiceIdentity.Key: Int] = [:]
        var serverIndex: [[RealServerDefinition.Key: Int]] = []

        init(file: SourceFile, names: ServiceNames) {
            self.file = file
            self.names = names
            configuration = IPVSConfiguration(file: file)
        }

        func location(_ line: Int, _ word: Word) -> SourceLocation {
            SourceLocation(file: file.id, line: line, column: word.column, endColumn: word.endColumn)
        }

        func error(_ line: Int, _ word: Word?, expected: String, lineText: Substring) -> LintInputError {
            let column = word?.column ?? (lineText.columnCount + 1)
            return LintInputError(
                SourceLocation(file: file.id, line: line, column: column, endColumn: word?.endColumn),
                found: word.map { LintInputError.quote($0.text) } ?? "end of line", expected: expected)
        }

        mutating func consume(_ line: Substring, number: Int) throws(LintInputError) {
            if let step = try prepare(line, number: number) { try perform(step) }
        }

        /// Reads a line into the change it makes, without looking at what earlier lines did:
        /// lines can be read on several threads and the changes applied in order afterwards.
        mutating func prepare(_ line: Substring, number: Int) throws(LintInputError) -> Step? {
            if fastPath, let step = try savedRealServer(line, number: number) { return step }
            var (words, _) = SourceFile.words(line)
            if words.first?.text == "ipvsadm" { words.removeFirst() }
            guard !words.isEmpty else { return nil }

            // Split into options with their values.
            var options: [Option] = []
            var index = 0
            while index < words.count {
                let word = words[index]
                index += 1
                var name = word.text
                var attached: String?
                if name.hasPrefix("--"), let equals = name.firstIndex(of: "=") {
                    attached = String(name[name.index(after: equals)...])
                    name = String(name[..<equals])
                } else if name.utf8.count > 2 && name.hasPrefix("-") && !name.hasPrefix("--"),
                    Self.isShortWithValue(String(name.prefix(2)))
                {
                    attached = String(name.dropFirst(2))
                    name = String(name.prefix(2))
                }
                if name == "ops" {
                    // ipvsadm before 1.26 saved one-packet scheduling as a bare word.
                    options.append(Option(name: "ops", values: [], word: word))
                    continue
                }
                guard let spec = IPVSAdmRulesParser.spec(name) else {
                    if IPVSAdmRulesParser.listingCommands.contains(name) {
                        throw error(
                            number, word,
                            expected:
                                "a command that changes the configuration (-A, -E, -D, -a, -e, -d, -C, --set); \(name) only lists or saves",
                            lineText: line)
                    }
                    let expected = name.hasPrefix("-") ? "an ipvsadm option" : "an option (a word starting with -)"
                    throw error(number, word, expected: expected, lineText: line)
                }
                var values: [Word] = []
                let valueWord = { (text: String) in
                    Word(text: text, column: word.column + word.text.columnCount - text.columnCount)
                }
                switch spec.value {
                case .none:
                    if attached != nil {
                        throw error(number, word, expected: "\(spec.canonical) without a value", lineText: line)
                    }
                case .required:
                    if let attached {
                        values = [valueWord(attached)]
                    } else {
                        guard index < words.count else {
                            throw error(number, nil, expected: "a value after \(spec.canonical)", lineText: line)
                        }
                        values = [words[index]]
                        index += 1
                    }
                case .optional:
                    if let attached {
                        values = [valueWord(attached)]
                    } else if index < words.count && !words[index].text.hasPrefix("-") {
                        values = [words[index]]
                        index += 1
                    }
                case .three:
                    guard index + 3 <= words.count else {
                        throw error(
                            number, index < words.count ? words[index] : nil,
                            expected: "three timeouts after --set (tcp tcpfin udp)", lineText: line)
                    }
                    values = Array(words[index..<(index + 3)])
                    index += 3
                }
                options.append(Option(name: spec.canonical, values: values, word: word, isCommand: spec.isCommand))
            }

            let commands = options.filter(\.isCommand)
            guard let command = commands.first else {
                throw error(number, words.first, expected: "a command (-A, -E, -D, -a, -e, -d, -C, --set)", lineText: line)
            }
            if commands.count > 1 {
                throw error(number, commands[1].word, expected: "one command per line", lineText: line)
            }
            // A handful of options per line: comparing pairs beats hashing them into a set.
            for (position, option) in options.enumerated() where options[..<position].contains(where: { $0.name == option.name })
            {
                throw error(number, option.word, expected: "each option once", lineText: line)
            }
            return try step(command, options, number: number, line: line)
        }

        static func isShortWithValue(_ name: String) -> Bool {
            guard let spec = IPVSAdmRulesParser.spec(name) else { return false }
            return spec.value == .required || spec.value == .optional
        }

        func option(_ options: [Option], _ name: String) -> Option? {
            options.first { $0.name == name }
        }

        mutating func integer(_ option: Option, number: Int, line: Substring, what: String) throws(LintInputError) -> Located<
            Int64
        > {
            let word = option.values[0]
            guard let value = Int64(word.text) else {
                throw error(number, word, expected: "\(what) (an integer)", lineText: line)
            }
            return Located(value, location(number, word))
        }

        // MARK: Addresses

        /// `HOST[:PORT]`, `[IPV6]:PORT`, or a bare IPv6 address.
        mutating func hostPort(_ word: Word, proto: String, number: Int, line: Substring, what: String) throws(LintInputError)
            -> (HostReference, PortReference?)
        {
            let text = word.text
            var hostText = text
            var portText: String?
            if text.hasPrefix("[") {
                guard let close = text.firstIndex(of: "]") else {
                    throw error(number, word, expected: "\(what) as [IPV6]:PORT", lineText: line)
                }
                hostText = String(text[text.index(after: text.startIndex)..<close])
                let rest = text[text.index(after: close)...]
                if !rest.isEmpty {
                    guard rest.hasPrefix(":"), rest.count > 1 else {
                        throw error(number, word, expected: "\(what) as [IPV6]:PORT", lineText: line)
                    }
                    portText = String(rest.dropFirst())
                }
                guard let address = IPAddress(hostText), address.family == .ipv6 else {
                    throw error(number, word, expected: "an IPv6 address inside the brackets", lineText: line)
                }
                return (.address(address), try port(portText, word: word, proto: proto, number: number, line: line))
            }
            let colons = text.utf8.lazy.filter { $0 == UInt8(ascii: ":") }.count
            if colons > 1 {
                // A bare IPv6 address: ipvsadm accepts it and uses the default port.
                guard let address = IPAddress(text), address.family == .ipv6 else {
                    throw error(
                        number, word, expected: "\(what): an IPv6 address with a port must be in brackets", lineText: line)
                }
                return (.address(address), nil)
            }
            if colons == 1, let colon = text.lastIndex(of: ":") {
                hostText = String(text[..<colon])
                portText = String(text[text.index(after: colon)...])
            }
            guard !hostText.isEmpty else {
                throw error(number, word, expected: "\(what) with an address before the port", lineText: line)
            }
            let host: HostReference
            if let address = IPAddress(hostText) {
                host = .address(address)
            } else if hostText.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_" }),
                hostText.contains(where: { $0.isLetter })
            {
                host = .name(hostText)
                configuration.names.append(Located(hostText, location(number, word)))
            } else {
                throw error(number, word, expected: "\(what): an IPv4 address, [IPv6] or a host name", lineText: line)
            }
            return (host, try port(portText, word: word, proto: proto, number: number, line: line))
        }

        mutating func port(_ text: String?, word: Word, proto: String, number: Int, line: Substring) throws(LintInputError)
            -> PortReference?
        {
            guard let text else { return nil }
            if text.utf8.allSatisfy(isDigit) {
                guard let value = UInt16(text) else {
                    throw error(number, word, expected: "a port from 0 to 65535", lineText: line)
                }
                return .number(value)
            }
            guard !text.isEmpty, text.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
                throw error(number, word, expected: "a port number or a service name", lineText: line)
            }
            configuration.names.append(Located(text, location(number, word)))
            return .name(text, resolved: names.port(text, proto: proto))
        }

        /// The last service address read, with what it parsed to: a save repeats each service's
        /// address on every one of its real servers' lines.
        var lastIdentity: (text: String, proto: TransportProtocol?, ipv6: Bool, identity: ServiceIdentity)?

        mutating func identity(_ options: [Option], number: Int, line: Substring, required: Bool) throws(LintInputError) -> (
            ServiceIdentity, SourceLocation
        )? {
            let kinds: [(String, TransportProtocol?)] = [("-t", .tcp), ("-u", .udp), ("--sctp-service", .sctp), ("-f", nil)]
            let given = kinds.compactMap { kind in option(options, kind.0).map { ($0, kind.1) } }
            guard let (chosen, proto) = given.first else {
                if required {
                    throw error(number, nil, expected: "a service (-t, -u, --sctp-service or -f)", lineText: line)
                }
                return nil
            }
            if given.count > 1 {
                throw error(number, given[1].0.word, expected: "one service (-t, -u, --sctp-service or -f)", lineText: line)
            }
            let word = chosen.values[0]
            let ipv6 = option(options, "-6") != nil
            if let last = lastIdentity, last.text == word.text, last.proto == proto, last.ipv6 == ipv6 {
                return (last.identity, location(number, word))
            }
            guard
                let (identity, location) = try parseIdentity(
                    word, proto: proto, ipv6: ipv6, options: options, number: number, line: line)
            else { return nil }
            lastIdentity = (word.text, proto, ipv6, identity)
            return (identity, location)
        }

        mutating func parseIdentity(
            _ word: Word, proto: TransportProtocol?, ipv6: Bool, options: [Option], number: Int, line: Substring
        ) throws(LintInputError) -> (ServiceIdentity, SourceLocation)? {
            if let proto {
                let (host, port) = try hostPort(
                    word, proto: proto.description.lowercased(), number: number, line: line, what: "a service address")
                if ipv6 && host.family != .ipv6 {
                    throw error(
                        number, option(options, "-6")?.word, expected: "-6 only with an IPv6 service address or a firewall mark",
                        lineText: line)
                }
                return (.address(proto, host, port ?? .number(0)), location(number, word))
            }
            guard let mark = Int64(word.text) else {
                throw error(number, word, expected: "a firewall mark (an integer)", lineText: line)
            }
            return (.firewallMark(mark, ipv6: ipv6), location(number, word))
        }

        // MARK: Indexes

        func findService(_ identity: ServiceIdentity) -> Int? {
            serviceIndex[identity.key]
        }

        static func serverKey(_ server: RealServerDefinition, in service: ServiceIdentity) -> RealServerDefinition.Key {
            RealServerDefinition.Key(address: server.address, port: effectivePort(server, of: service).key)
        }

        func findServer(_ server: RealServerDefinition, in serviceIndex: Int) -> Int? {
            serverIndex[serviceIndex][Self.serverKey(server, in: configuration.services[serviceIndex].identity)]
        }

        mutating func appendService(_ service: ServiceDefinition) {
            serviceIndex[service.identity.key] = configuration.services.count
            configuration.services.append(service)
            serverIndex.append([:])
        }

        mutating func appendServer(_ server: RealServerDefinition, to index: Int) {
            serverIndex[index][Self.serverKey(server, in: configuration.services[index].identity)] =
                configuration.services[index].realServers.count
            configuration.services[index].realServers.append(server)
        }

        /// After `-D` or `-C` (rare), positions move: rebuild.
        mutating func reindex() {
            serviceIndex = [:]
            serverIndex = []
            for (index, service) in configuration.services.enumerated() {
                if serviceIndex[service.identity.key] == nil { serviceIndex[service.identity.key] = index }
                serverIndex.append([:])
                reindexServers(of: index)
            }
        }

        /// After `-d` or `-e` (which may change the method, and so the port that counts).
        mutating func reindexServers(of index: Int) {
            let service = configuration.services[index]
            var servers: [RealServerDefinition.Key: Int] = [:]
            for (position, server) in service.realServers.enumerated()
            where servers[Self.serverKey(server, in: service.identity)] == nil {
                servers[Self.serverKey(server, in: service.identity)] = position
            }
            serverIndex[index] = servers
        }

        // MARK: Commands

        /// Whether to read the common `-a` line of `ipvsadm-save` without the general machinery
        /// (tests turn it off to check both ways agree).
        var fastPath = true

        /// `-a -t 10.0.0.1:80 -r 10.0.0.2:8080 -m -w 1`, exactly as ipvsadm-save writes nine
        /// lines in ten of a big save, read straight from its bytes; nil for anything else, which
        /// the general reader then handles (and reports, if it is wrong).
        mutating func savedRealServer(_ line: Substring, number: Int) throws(LintInputError) -> Step? {
            // Token boundaries as byte offsets; ASCII only, no comments.
            var starts: [Int] = []
            var ends: [Int] = []
            starts.reserveCapacity(8)
            ends.reserveCapacity(8)
            var inToken = false
            var offset = 0
            for byte in line.utf8 {
                if byte >= 0x80 || byte == UInt8(ascii: "#") { return nil }
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") {
                    if inToken { ends.append(offset); inToken = false }
                } else if !inToken {
                    if starts.count == 8 { return nil }
                    starts.append(offset)
                    inToken = true
                }
                offset += 1
            }
            if inToken { ends.append(offset) }
            guard starts.count == 8 else { return nil }
            let utf8 = line.utf8
            func token(_ index: Int) -> Substring {
                let from = utf8.index(utf8.startIndex, offsetBy: starts[index])
                let to = utf8.index(utf8.startIndex, offsetBy: ends[index])
                return line[from..<to]
            }
            guard token(0) == "-a", token(3) == "-r", token(6) == "-w" else { return nil }
            let proto: TransportProtocol
            switch token(1) {
            case "-t": proto = .tcp
            case "-u": proto = .udp
            case "--sctp-service": proto = .sctp
            default: return nil
            }
            let serviceText = token(2)
            guard let last = lastIdentity, last.proto == proto, !last.ipv6, last.text == serviceText else { return nil }
            let method: ForwardingMethod
            switch token(5) {
            case "-g": method = .directRouting
            case "-i": method = .tunneling
            case "-m": method = .masquerading
            default: return nil
            }
            let weightText = token(7)
            guard weightText.utf8.allSatisfy(isDigit), let weight = Int64(weightText) else { return nil }
            let serverWord = Word(text: String(token(4)), column: starts[4] + 1)
            let (address, port) = try hostPort(
                serverWord, proto: proto.description.lowercased(), number: number, line: line, what: "a real server address")
            var server = RealServerDefinition(
                address: address, addressText: serverWord.text, writtenPort: port, forwarding: method,
                location: SourceLocation(file: file.id, line: number, column: starts[0] + 1, endColumn: offset + 1),
                addressLocation: location(number, serverWord))
            server.weight = Located(
                weight, SourceLocation(file: file.id, line: number, column: starts[7] + 1, endColumn: ends[7] + 1))
            return .addServer(last.identity, server)
        }

        /// What one line does, read but not yet applied.
        enum Step {
            case clear
            case setTimeouts(Located<[Int64]>)
            /// `-A`, read in full.
            case addService(ServiceDefinition)
            /// `-E`: its options are applied over the service as earlier lines left it.
            indirect case editService(
                ServiceIdentity, identityLocation: SourceLocation, lineLocation: SourceLocation, options: [Option], number: Int,
                line: Substring)
            case deleteService(ServiceIdentity)
            /// `-a`, read in full (the port the kernel gets is settled when applied).
            case addServer(ServiceIdentity, RealServerDefinition)
            /// `-e` and `-d`: the server as written, to find the one earlier lines added.
            indirect case editServer(ServiceIdentity, RealServerDefinition, options: [Option], number: Int, line: Substring)
            case deleteServer(ServiceIdentity, RealServerDefinition)
        }

        mutating func step(_ command: Option, _ options: [Option], number: Int, line: Substring) throws(LintInputError) -> Step? {
            let lineLocation = SourceLocation(
                file: file.id, line: number, column: command.word.column, endColumn: line.columnCount + 1)
            switch command.name {
            case "-C":
                return .clear
            case "-Z", "--start-daemon", "--stop-daemon":
                return nil
            case "--set":
                var values: [Int64] = []
                for word in command.values {
                    guard let value = Int64(word.text) else {
                        throw error(number, word, expected: "a timeout in seconds (an integer)", lineText: line)
                    }
                    values.append(value)
                }
                return .setTimeouts(Located(values, location(number, command.values[0])))
            case "-A", "-E":
                guard let (identity, identityLocation) = try identity(options, number: number, line: line, required: true) else {
                    return nil
                }
                for name in ["-r", "-g", "-i", "-m", "-w", "-x", "-y", "--tun-type", "--tun-port"] {
                    if let misplaced = option(options, name) {
                        throw error(
                            number, misplaced.word, expected: "a service option (\(name) belongs to -a/-e)", lineText: line)
                    }
                }
                var service = ServiceDefinition(identity: identity, location: lineLocation, identityLocation: identityLocation)
                // Read the options now even for -E, so a bad value is reported on this line
                // whatever earlier lines did.
                try fill(&service, options, number: number, line: line)
                if command.name == "-A" { return .addService(service) }
                return .editService(
                    identity, identityLocation: identityLocation, lineLocation: lineLocation, options: options, number: number,
                    line: line)
            case "-D":
                guard let (identity, _) = try identity(options, number: number, line: line, required: true) else { return nil }
                return .deleteService(identity)
            case "-a", "-e", "-d":
                guard let (identity, _) = try identity(options, number: number, line: line, required: true) else { return nil }
                guard let realServer = option(options, "-r") else {
                    throw error(number, nil, expected: "-r ADDRESS[:PORT] (the real server)", lineText: line)
                }
                for name in ["-s", "-p", "-M", "-b", "-o", "--pe"] {
                    if let misplaced = option(options, name) {
                        throw error(
                            number, misplaced.word, expected: "a real server option (\(name) belongs to -A/-E)", lineText: line)
                    }
                }
                let proto = identity.proto?.description.lowercased() ?? "tcp"
                let (address, port) = try hostPort(
                    realServer.values[0], proto: proto, number: number, line: line, what: "a real server address")
                let draft = RealServerDefinition(
                    address: address, addressText: realServer.values[0].text, writtenPort: port, forwarding: .directRouting,
                    location: lineLocation, addressLocation: location(number, realServer.values[0]))
                var server = draft
                try fill(&server, options, number: number, line: line)
                switch command.name {
                case "-a": return .addServer(identity, server)
                case "-e": return .editServer(identity, draft, options: options, number: number, line: line)
                default: return .deleteServer(identity, draft)
                }
            default:
                return nil
            }
        }

        /// Applies a line's change to the configuration earlier lines built.
        mutating func perform(_ step: Step) throws(LintInputError) {
            switch step {
            case .clear:
                configuration.services.removeAll()
                reindex()
            case .setTimeouts(let values):
                configuration.timeoutSettings.append(values)
            case .addService(let service):
                if let first = findService(service.identity) {
                    configuration.duplicateServices.append((service, first: configuration.services[first].location))
                } else {
                    appendService(service)
                }
            case .editService(let identity, let identityLocation, let lineLocation, let options, let number, let line):
                guard let index = findService(identity) else {
                    configuration.orphanRealServers.append(
                        (
                            identity,
                            RealServerDefinition(
                                address: .name("-E"), addressText: "-E", forwarding: .directRouting, location: lineLocation,
                                addressLocation: identityLocation)
                        ))
                    return
                }
                var service = configuration.services[index]
                try fill(&service, options, number: number, line: line)
                configuration.services[index] = service
            case .deleteService(let identity):
                guard let index = findService(identity) else { return }
                configuration.services.remove(at: index)
                serverIndex.remove(at: index)
                serviceIndex[identity.key] = nil
                for (key, position) in serviceIndex where position > index { serviceIndex[key] = position - 1 }
            case .addServer(let identity, var server):
                guard let serviceIndex = findService(identity) else {
                    configuration.orphanRealServers.append((identity, server))
                    return
                }
                server.effectivePort = Self.effectivePort(server, of: configuration.services[serviceIndex].identity)
                if let first = findServer(server, in: serviceIndex) {
                    configuration.duplicateRealServers.append(
                        (identity, server, first: configuration.services[serviceIndex].realServers[first].location))
                } else {
                    appendServer(server, to: serviceIndex)
                }
            case .editServer(let identity, let draft, let options, let number, let line):
                guard let serviceIndex = findService(identity), let position = findServer(draft, in: serviceIndex) else {
                    var server = draft
                    try fill(&server, options, number: number, line: line)
                    configuration.orphanRealServers.append((identity, server))
                    return
                }
                var server = configuration.services[serviceIndex].realServers[position]
                server.location = draft.location
                try fill(&server, options, number: number, line: line)
                server.effectivePort = Self.effectivePort(server, of: configuration.services[serviceIndex].identity)
                configuration.services[serviceIndex].realServers[position] = server
                reindexServers(of: serviceIndex)
            case .deleteServer(let identity, let draft):
                guard let serviceIndex = findService(identity) else {
                    configuration.orphanRealServers.append((identity, draft))
                    return
                }
                let service = configuration.services[serviceIndex].identity
                configuration.services[serviceIndex].realServers.removeAll { Self.sameServer($0, draft, in: service) }
                reindexServers(of: serviceIndex)
            }
        }

        /// The port the kernel gets: ipvsadm copies the service port when none is written, and
        /// forces it for DR and TUN on address services.
        static func effectivePort(_ server: RealServerDefinition, of service: ServiceIdentity) -> PortReference {
            let servicePort = service.port ?? .number(0)
            if !service.isFirewallMark && (server.forwarding == .directRouting || server.forwarding == .tunneling) {
                return servicePort
            }
            return server.writtenPort ?? servicePort
        }

        static func sameServer(_ a: RealServerDefinition, _ b: RealServerDefinition, in service: ServiceIdentity) -> Bool {
            guard a.address == b.address else { return false }
            return Self.effectivePort(a, of: service).sameAs(Self.effectivePort(b, of: service))
        }

        mutating func fill(_ service: inout ServiceDefinition, _ options: [Option], number: Int, line: Substring)
            throws(LintInputError)
        {
            if let option = option(options, "-s") {
                service.scheduler = Located(option.values[0].text, location(number, option.values[0]))
            }
            if let option = option(options, "-p") {
                if option.values.isEmpty {
                    service.persistence = Located(360, location(number, option.word))
                } else {
                    service.persistence = try integer(
                        option, number: number, line: line, what: "a persistence timeout in seconds")
                }
            }
            if let option = option(options, "-M") {
                let word = option.values[0]
                let spec: NetmaskSpec
                if word.text.contains(".") || word.text.contains(":") {
                    spec = .dotted(word.text, IPAddress(word.text))
                } else if let length = Int64(word.text) {
                    spec = .prefix(length)
                } else {
                    throw error(number, word, expected: "a netmask (255.255.255.0) or an IPv6 prefix length", lineText: line)
                }
                service.netmask = Located(spec, location(number, word))
            }
            if let option = option(options, "-b") {
                let flags = option.values[0].text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                service.schedulerFlags = Located(flags, location(number, option.values[0]))
            }
            if let option = option(options, "-o") { service.onePacket = location(number, option.word) }
            if let option = option(options, "ops") { service.legacyOps = location(number, option.word) }
            if let option = option(options, "--pe") {
                service.persistenceEngine = Located(option.values[0].text, location(number, option.values[0]))
            }
        }

        mutating func fill(_ server: inout RealServerDefinition, _ options: [Option], number: Int, line: Substring)
            throws(LintInputError)
        {
            let methods = [("-g", ForwardingMethod.directRouting), ("-i", .tunneling), ("-m", .masquerading)].filter {
                option(options, $0.0) != nil
            }
            if methods.count > 1, let second = option(options, methods[1].0) {
                throw error(number, second.word, expected: "one forwarding method (-g, -i or -m)", lineText: line)
            }
            if let method = methods.first { server.forwarding = method.1 }
            if let option = option(options, "-w") {
                server.weight = try integer(option, number: number, line: line, what: "a weight")
            }
            if let option = option(options, "-x") {
                server.upperThreshold = try integer(option, number: number, line: line, what: "an upper threshold")
            }
            if let option = option(options, "-y") {
                server.lowerThreshold = try integer(option, number: number, line: line, what: "a lower threshold")
            }
            if let option = option(options, "--tun-type") {
                server.tunnelType = Located(option.values[0].text, location(number, option.values[0]))
            }
            if let option = option(options, "--tun-port") {
                server.tunnelPort = try integer(option, number: number, line: line, what: "a tunnel port")
            }
            let checksums = options.filter { ["--tun-nocsum", "--tun-csum", "--tun-remcsum"].contains($0.name) }.sorted {
                $0.word.column < $1.word.column
            }
            if checksums.count > 1 {
                throw error(
                    number, checksums[1].word, expected: "one checksum option (\(checksums[0].name) was given before)",
                    lineText: line)
            }
            if let option = checksums.first { server.tunnelChecksum = Located(option.name, location(number, option.word)) }
        }
    }
}
