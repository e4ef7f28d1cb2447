import IPVSModel

/// Counts of fixed-layout connection-table lines per group.
///
/// A million-entry table falls into a few thousand groups (backend × state), and in hash
/// order consecutive lines rarely share one: every line is a random probe of this table, so
/// its size in cache decides the speed. An IPv4 group is two integers and its slot, with the
/// count, 24 bytes: the groups of 10,000 real servers in 6 states fit in L2. IPv6 groups take
/// a table of their own with wider keys. No per-line allocation, no `Hashable` of addresses and
/// strings; ``ConnectionGroup`` values are built once per group, at the end.
struct CompactGroupCounts {
    private var ipv4 = CountTable<IPv4Key>()
    private var ipv6 = CountTable<IPv6Key>()

    var groups: Int { ipv4.groups + ipv6.groups }

    /// Call before reading the counts: keys wait in batches (see ``CountTable``).
    mutating func flush() {
        ipv4.flush()
        ipv6.flush()
    }

    @inline(__always)
    mutating func add(_ fields: ConnectionLineLayout.Fields, state: UInt8, isTemplate: Bool) {
        let meta =
            UInt64(fields.proto) | UInt64(state) << 8 | (isTemplate ? 1 << 16 : 0) | UInt64(fields.virtualPort) << 24
            | UInt64(fields.destinationPort) << 40
        if fields.isIPv6 {
            ipv6.add(
                IPv6Key(
                    virtualHigh: fields.virtualHigh, virtualLow: fields.virtualLow, destinationHigh: fields.destinationHigh,
                    destinationLow: fields.destinationLow, meta: meta))
        } else {
            ipv4.add(IPv4Key(addresses: fields.virtualLow << 32 | fields.destinationLow, meta: meta))
        }
    }

    /// Every group with its count, once ``flush()`` has run; `stateNames` are the parser's
    /// interned names.
    func forEach(stateNames: [[UInt8]], _ body: (ConnectionGroup, UInt64) -> Void) {
        // One String per state name, not one per group.
        let names = stateNames.map { String(decoding: $0, as: UTF8.self) }
        func group(_ virtual: IPAddress, _ destination: IPAddress, _ meta: UInt64) -> ConnectionGroup {
            ConnectionGroup(
                proto: TransportProtocol(number: UInt8(truncatingIfNeeded: meta)), virtualAddress: virtual,
                virtualPort: UInt16(truncatingIfNeeded: meta >> 24), destinationAddress: destination,
                destinationPort: UInt16(truncatingIfNeeded: meta >> 40), state: names[Int(UInt8(truncatingIfNeeded: meta >> 8))],
                isTemplate: meta & (1 << 16) != 0)
        }
        ipv4.forEach { key, count in
            let virtual = IPAddress(ipv4: UInt32(truncatingIfNeeded: key.addresses >> 32))
            let destination = IPAddress(ipv4: UInt32(truncatingIfNeeded: key.addresses))
            body(group(virtual, destination, key.meta), count)
        }
        ipv6.forEach { key, count in
            let virtual = IPAddress(ipv6High: key.virtualHigh, low: key.virtualLow)
            let destination = IPAddress(ipv6High: key.destinationHigh, low: key.destinationLow)
            body(group(virtual, destination, key.meta), count)
        }
    }
}

/// A key of ``CountTable``: fixed-size integers with a cheap hash.
protocol CountTableKey: Equatable {
    /// What fills empty slots (any value: emptiness is a count of 0).
    static var unused: Self { get }
    /// Well mixed in the top bits, which the table uses.
    var hash: UInt64 { get }
}

/// The virtual and destination IPv4 addresses in one integer; `meta` holds the protocol
/// (bits 0–7), the interned state (8–15), template (16), virtual port (24–39) and destination
/// port (40–55).
struct IPv4Key: CountTableKey {
    var addresses: UInt64
    var meta: UInt64

    static var unused: IPv4Key { IPv4Key(addresses: 0, meta: 0) }

    var hash: UInt64 {
        let mixed = (addresses &* 0x9E37_79B9_7F4A_7C15) ^ (meta &* 0xC2B2_AE3D_27D4_EB4F)
        return mixed ^ (mixed >> 31)
    }
}

struct IPv6Key: CountTableKey {
    var virtualHigh: UInt64
    var virtualLow: UInt64
    var destinationHigh: UInt64
    var destinationLow: UInt64
    var meta: UInt64

    static var unused: IPv6Key { IPv6Key(virtualHigh: 0, virtualLow: 0, destinationHigh: 0, destinationLow: 0, meta: 0) }

    var hash: UInt64 {
        let mixed =
            (virtualLow &* 0x9E37_79B9_7F4A_7C15) ^ (destinationLow &* 0xC2B2_AE3D_27D4_EB4F) ^ (meta &* 0x1656_67B1_9E37_79F9)
            ^ ((virtualHigh ^ destinationHigh.byteSwapped) &* 0x27D4_EB2F_1656_67C5)
        return mixed ^ (mixed >> 31)
    }
}

/// Open addressing with linear probing, at most half full; a slot with count 0 is empty.
///
/// Keys are added in batches: the first slot of every key in a batch is loaded before any is
/// updated, so the cache misses of 64 lines overlap instead of queueing one behind the other
/// (the order in which lines are counted changes nothing).
struct CountTable<Key: CountTableKey> {
    private var slots: [(key: Key, count: UInt64)]
    private var shift: UInt64
    private(set) var groups = 0
    private var pending: [(key: Key, hash: UInt64)] = []
    private var prefetchSum: UInt64 = 0
    private static var batch: Int { 64 }

    init() {
        slots = Array(repeating: (Key.unused, 0), count: 256)
        shift = 64 - 8
        pending.reserveCapacity(Self.batch)
    }

    @inline(__always)
    mutating func add(_ key: Key) {
        pending.append((key, key.hash))
        if pending.count == Self.batch { flush() }
    }

    mutating func flush() {
        // Load each key's first slot. The sum is kept only so that the loads are not optimised
        // away: they are what brings the slots into the cache, 64 at once.
        var sum: UInt64 = 0
        slots.withUnsafeBufferPointer { slots in
            for key in pending { sum &+= slots[Int(truncatingIfNeeded: key.hash >> shift)].count }
        }
        prefetchSum = sum
        for key in pending { add(key.key, hash: key.hash, count: 1) }
        pending.removeAll(keepingCapacity: true)
    }

    func forEach(_ body: (Key, UInt64) -> Void) {
        for slot in slots where slot.count != 0 { body(slot.key, slot.count) }
    }

    @inline(__always)
    private mutating func add(_ key: Key, hash: UInt64, count: UInt64) {
        let grown = slots.withUnsafeMutableBufferPointer { slots -> Bool in
            let mask = slots.count - 1
            var index = Int(truncatingIfNeeded: hash >> shift)
            while slots[index].count != 0 {
                if slots[index].key == key {
                    slots[index].count &+= count
                    return false
                }
                index = (index + 1) & mask
            }
            slots[index] = (key, count)
            return true
        }
        guard grown else { return }
        groups += 1
        if groups * 2 > slots.count { grow() }
    }

    /// Doubles the table.
    private mutating func grow() {
        let old = slots
        slots = Array(repeating: (Key.unused, 0), count: old.count * 2)
        shift -= 1
        groups = 0
        for slot in old where slot.count != 0 { add(slot.key, hash: slot.key.hash, count: slot.count) }
    }
}
