import Glibc
import IPVSModel
import SystemSupport

/// Streams `/proc/net/ip_vs_conn` into ``ConnectionCounts``.
///
/// The table can hold millions of entries, so the file is fed in chunks and never held whole;
/// only the counts grow, and they grow with the number of distinct (backend, state) pairs, not
/// with the number of connections.
///
/// The kernel walks its hash table without a lock across read(2) calls, so a busy table can
/// show an entry twice or miss one (the same holds for `ipvsadm -Lnc`, which reads this file).
/// Repeated lines are counted as read, never treated as errors.
///
/// Lines in the kernel's exact TCP/UDP layout take the fixed-offset path
/// (``ConnectionLineLayout``, counted in ``CompactGroupCounts``); every other line, and every
/// line that deviates, takes the general field-by-field parser, which gives the errors.
public struct ConnectionTableParser {
    /// Longer lines are refused: the longest real line (IPv6 with SIP persistence-engine data)
    /// is under 500 bytes.
    public static let maximumLineLength = 4096

    public let file: String
    private var carry: [UInt8] = []
    private var lineNumber = 0
    private var sawHeader = false
    private var stateNames: [[UInt8]] = []
    private var counts: [GroupKey: UInt64] = [:]
    private var entries: UInt64 = 0
    private let fixedLayout: Bool
    /// Lines the fixed-layout path counted (tests check that it is taken).
    private(set) var fixedLayoutLines = 0
    private var compact = CompactGroupCounts()
    /// State columns seen on the fixed-layout path, as printed (padded to 11 characters), with
    /// their interned index and whether a port-0 entry in that state is a template.
    private var statePatterns: [(prefix: UInt64, suffix: UInt32, index: UInt8, templateState: Bool)] = []

    /// `fixedLayout: false` sends every line through the general parser (tests compare the two).
    public init(file: String, fixedLayout: Bool = true) {
        self.file = file
        self.fixedLayout = fixedLayout
        carry.reserveCapacity(Self.maximumLineLength)
    }

    /// Reads the whole file at `path`, giving up with ``ProcFSError/overBudget(path:milliseconds:)``
    /// once `budget` has passed: on kernels that walk the hash table from its start at every
    /// read(2), a big table costs time that grows with the square of its size, under the RCU
    /// read lock, and stopping early is what protects the director.
    public static func read(path: String, budget: Duration? = nil) throws(ProcFSError) -> ConnectionCounts {
        var parser = ConnectionTableParser(file: path)
        let clock = ContinuousClock()
        let deadline = budget.map { clock.now + $0 }
        try Files.stream(path, mapError: ProcFSError.file) { (chunk: ArraySlice<UInt8>) throws(ProcFSError) in
            if let budget, let deadline, clock.now > deadline {
                let (seconds, attoseconds) = budget.components
                throw .overBudget(path: path, milliseconds: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
            }
            do throws(ProcParseError) { try parser.feed(chunk) } catch { throw .parse(error) }
        }
        do throws(ProcParseError) { return try parser.finish() } catch { throw .parse(error) }
    }

    /// Parses the whole text at once (tests, fuzzing).
    public static func parse(_ bytes: [UInt8], file: String, fixedLayout: Bool = true) throws(ProcParseError)
        -> ConnectionCounts
    {
        var parser = ConnectionTableParser(file: file, fixedLayout: fixedLayout)
        try parser.feed(bytes[...])
        return try parser.finish()
    }

    /// Consumes the next chunk; lines may span chunks.
    public mutating func feed(_ chunk: ArraySlice<UInt8>) throws(ProcParseError) {
        var failure: ProcParseError?
        chunk.withUnsafeBytes { raw in
            do throws(ProcParseError) { try feedLines(raw, chunk) } catch { failure = error }
        }
        if let failure { throw failure }
    }

    /// Finds line ends with memchr (vectorised, as `wc -l` does) and hands each line to the
    /// fixed-layout path first. Most lines have the length of the one before: where a newline
    /// sits at that length and the fixed-layout path accepts the bytes before it (which it
    /// only does when none of them is a newline), the search is skipped.
    private mutating func feedLines(_ raw: UnsafeRawBufferPointer, _ chunk: ArraySlice<UInt8>) throws(ProcParseError) {
        guard let base = raw.baseAddress else { return }
        var start = 0
        var length = 0
        while start < raw.count {
            if carry.isEmpty, start + length < raw.count, base.load(fromByteOffset: start + length, as: UInt8.self) == 0x0A,
                consumeFixedLayout(base + start, count: length)
            {
                start += length + 1
                continue
            }
            guard let found = memchr(base + start, 0x0A, raw.count - start) else { break }
            let newline = base.distance(to: UnsafeRawPointer(found))
            length = newline - start
            if carry.isEmpty {
                if !consumeFixedLayout(base + start, count: newline - start) {
                    try consume(chunk[chunk.startIndex + start..<chunk.startIndex + newline])
                }
            } else {
                try appendToCarry(chunk[chunk.startIndex + start..<chunk.startIndex + newline])
                let line = carry
                carry.removeAll(keepingCapacity: true)
                try consumeCarried(line)
            }
            start = newline + 1
        }
        if start < raw.count {
            try appendToCarry(chunk[(chunk.startIndex + start)...])
        }
    }

    private mutating func consumeCarried(_ line: [UInt8]) throws(ProcParseError) {
        let handled = line.withUnsafeBytes { raw in
            raw.baseAddress.map { consumeFixedLayout($0, count: raw.count) } ?? false
        }
        if !handled { try consume(line[...]) }
    }

    /// Ends the input; a final line without a newline is still counted.
    public mutating func finish() throws(ProcParseError) -> ConnectionCounts {
        if !carry.isEmpty {
            let line = carry
            carry.removeAll()
            try consumeCarried(line)
        }
        guard sawHeader else {
            throw ProcParseError(
                file: file, line: 1, found: "an empty file",
                expected: "the header \"Pro FromIP FPrt ToIP TPrt DestIP DPrt State Expires PEName PEData\"")
        }
        var groups: [ConnectionGroup: UInt64] = [:]
        groups.reserveCapacity(counts.count + compact.groups)
        for (key, count) in counts {
            let group = ConnectionGroup(
                proto: TransportProtocol(number: key.proto), virtualAddress: key.virtualAddress,
                virtualPort: key.virtualPort, destinationAddress: key.destinationAddress,
                destinationPort: key.destinationPort, state: String(decoding: stateNames[Int(key.state)], as: UTF8.self),
                isTemplate: key.isTemplate)
            groups[group, default: 0] += count
        }
        compact.flush()
        compact.forEach(stateNames: stateNames) { group, count in groups[group, default: 0] += count }
        return ConnectionCounts(groups: groups, entries: entries)
    }

    private mutating func appendToCarry(_ bytes: ArraySlice<UInt8>) throws(ProcParseError) {
        guard carry.count + bytes.count <= Self.maximumLineLength else {
            throw ProcParseError(
                file: file, line: lineNumber + 1, found: "a line longer than \(Self.maximumLineLength) bytes",
                expected: "a connection entry")
        }
        carry.append(contentsOf: bytes)
    }

    // MARK: - One line

    private struct GroupKey: Hashable {
        var proto: UInt8
        var state: UInt8
        var isTemplate: Bool
        var virtualPort: UInt16
        var destinationPort: UInt16
        var virtualAddress: IPAddress
        var destinationAddress: IPAddress
    }

    private func error(_ expected: String, _ bytes: ArraySlice<UInt8>, column: Int? = nil) -> ProcParseError {
        ProcParseError(file: file, line: lineNumber, column: column, found: ProcParseError.excerpt(bytes), expected: expected)
    }

    private mutating func consume(_ line: ArraySlice<UInt8>) throws(ProcParseError) {
        lineNumber += 1
        guard line.count <= Self.maximumLineLength else {
            throw error("a connection entry", line.prefix(60))
        }
        guard sawHeader else {
            guard line.starts(with: "Pro FromIP".utf8) else {
                throw error("the header \"Pro FromIP FPrt ToIP TPrt DestIP DPrt State Expires PEName PEData\"", line)
            }
            sawHeader = true
            return
        }
        var scanner = FieldScanner(line: line)
        let protoField = try field(&scanner, "a protocol", line)
        let proto = try parseProtocol(protoField, line: line)
        let clientField = try field(&scanner, "a client address", line)
        let client = try address(clientField, line: line, what: "client")
        let clientPort = try port(try field(&scanner, "a client port", line), line: line)
        let virtualField = try field(&scanner, "a virtual address", line)
        let virtual = try address(virtualField, line: line, what: "virtual")
        guard virtual.family == client.family else {
            throw error("a virtual address of the client's family", virtualField, column: column(virtualField, line))
        }
        let virtualPort = try port(try field(&scanner, "a virtual port", line), line: line)
        let destination = try address(try field(&scanner, "a destination address", line), line: line, what: "destination")
        let destinationPort = try port(try field(&scanner, "a destination port", line), line: line)
        let stateField = try field(&scanner, "a state", line)
        let expiresField = try field(&scanner, "the seconds to expiry", line)
        guard parseDecimal(expiresField, as: UInt32.self) != nil else {
            throw error("the seconds to expiry (decimal)", expiresField, column: column(expiresField, line))
        }
        // Anything further is the persistence engine's name and data (" sip <call-id>").

        let state = try internState(stateField, line: line)
        let isTemplate =
            proto == 0 || (clientPort == 0 && (stateField.elementsEqual("NONE".utf8) || stateField.elementsEqual("ASSURED".utf8)))
        let key = GroupKey(
            proto: proto, state: state, isTemplate: isTemplate, virtualPort: virtualPort, destinationPort: destinationPort,
            virtualAddress: virtual, destinationAddress: destination)
        counts[key, default: 0] += 1
        entries += 1
    }

    private func column(_ field: ArraySlice<UInt8>, _ line: ArraySlice<UInt8>) -> Int {
        field.startIndex - line.startIndex + 1
    }

    private func field(_ scanner: inout FieldScanner, _ expected: String, _ line: ArraySlice<UInt8>) throws(ProcParseError)
        -> ArraySlice<UInt8>
    {
        guard let range = scanner.next() else {
            throw error(expected, [], column: line.count + 1)
        }
        return line[range]
    }

    private func parseProtocol(_ bytes: ArraySlice<UInt8>, line: ArraySlice<UInt8>) throws(ProcParseError) -> UInt8 {
        switch bytes.count {
        case 2 where bytes.elementsEqual("IP".utf8): return 0
        case 3 where bytes.elementsEqual("TCP".utf8): return 6
        case 3 where bytes.elementsEqual("UDP".utf8): return 17
        case 4 where bytes.elementsEqual("SCTP".utf8): return 132
        case 4 where bytes.elementsEqual("ICMP".utf8): return 1
        case 6 where bytes.elementsEqual("ICMPv6".utf8): return 58
        default:
            if bytes.starts(with: "IP_".utf8), let n = parseDecimal(bytes.dropFirst(3), as: UInt8.self) { return n }
            throw error("a protocol (TCP, UDP, SCTP, IP, ICMP, ICMPv6 or IP_<n>)", bytes, column: column(bytes, line))
        }
    }

    private func address(_ bytes: ArraySlice<UInt8>, line: ArraySlice<UInt8>, what: String) throws(ProcParseError) -> IPAddress {
        if bytes.count == 8, let value = parseHex(bytes, as: UInt32.self) {
            return IPAddress(ipv4: value)
        }
        if bytes.count == 39, let value = parseFullIPv6(bytes) {
            return value
        }
        throw error("a \(what) address (8 hex digits, or 8 groups of 4 for IPv6)", bytes, column: column(bytes, line))
    }

    private func port(_ bytes: ArraySlice<UInt8>, line: ArraySlice<UInt8>) throws(ProcParseError) -> UInt16 {
        guard bytes.count == 4, let value = parseHex(bytes, as: UInt16.self) else {
            throw error("a port of 4 hex digits", bytes, column: column(bytes, line))
        }
        return value
    }

    private mutating func internState(_ bytes: ArraySlice<UInt8>, line: ArraySlice<UInt8>) throws(ProcParseError) -> UInt8 {
        if let index = intern(bytes) { return index }
        guard stateNames.count < 64 else {
            throw error("one of at most 64 distinct state names", bytes, column: column(bytes, line))
        }
        throw error("a state name in printable ASCII", bytes, column: column(bytes, line))
    }

    /// The index of a state name, added if new; nil past the cap or for a name that is not
    /// printable ASCII. State names come from small fixed kernel tables (about 30 in all); the
    /// cap only guards against hostile input growing the counts without bound.
    private mutating func intern(_ bytes: some Collection<UInt8>) -> UInt8? {
        for (index, name) in stateNames.enumerated() where name.elementsEqual(bytes) {
            return UInt8(index)
        }
        guard stateNames.count < 64, bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { return nil }
        stateNames.append(Array(bytes))
        return UInt8(stateNames.count - 1)
    }

    // MARK: - A line in the kernel's fixed layout

    /// Counts a line in the fixed layout; false leaves it to the general parser.
    private mutating func consumeFixedLayout(_ line: UnsafeRawPointer, count: Int) -> Bool {
        guard fixedLayout, sawHeader, count <= Self.maximumLineLength,
            let fields = ConnectionLineLayout.read(line, count: count),
            let (state, templateState) = fixedLayoutState(fields)
        else { return false }
        let isTemplate = fields.proto == 0 || (fields.clientPort == 0 && templateState)
        compact.add(fields, state: state, isTemplate: isTemplate)
        fixedLayoutLines += 1
        lineNumber += 1
        entries += 1
        return true
    }

    private mutating func fixedLayoutState(_ fields: ConnectionLineLayout.Fields) -> (UInt8, Bool)? {
        for pattern in statePatterns where pattern.prefix == fields.statePrefix && pattern.suffix == fields.stateSuffix {
            return (pattern.index, pattern.templateState)
        }
        guard let name = ConnectionLineLayout.stateName(prefix: fields.statePrefix, suffix: fields.stateSuffix),
            let index = intern(name)
        else { return nil }
        let templateState = name.elementsEqual("NONE".utf8) || name.elementsEqual("ASSURED".utf8)
        statePatterns.append((fields.statePrefix, fields.stateSuffix, index, templateState))
        return (index, templateState)
    }
}

/// Yields the ranges of space-separated fields of one line without allocating.
struct FieldScanner {
    let line: ArraySlice<UInt8>
    var index: Int

    init(line: ArraySlice<UInt8>) {
        self.line = line
        self.index = line.startIndex
    }

    mutating func next() -> Range<Int>? {
        while index < line.endIndex && (line[index] == 0x20 || line[index] == 0x09) { index += 1 }
        guard index < line.endIndex else { return nil }
        let start = index
        while index < line.endIndex && line[index] != 0x20 && line[index] != 0x09 { index += 1 }
        return start..<index
    }
}
