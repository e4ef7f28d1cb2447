public import IPVSModel

/// An address match of a rule: `-d 10.0.0.1/32`, `! -s 192.168.0.0/16`.
public struct AddressMatch: Sendable, Hashable {
    public var negated: Bool
    /// Networks (iptables accepts comma lists); nil for a host name the linter cannot resolve.
    public var networks: [Network]?
    public var text: String

    public struct Network: Sendable, Hashable {
        public var address: IPAddress
        public var prefixLength: Int

        public init(address: IPAddress, prefixLength: Int) {
            self.address = address
            self.prefixLength = prefixLength
        }

        /// `address` with the prefix as written after its `/`: a length (`24`), an IPv4 mask
        /// (`255.255.255.0`, as iptables-save prints some), or nil for a single host.
        public init?(address: IPAddress, prefix: (some StringProtocol)?) {
            let width = address.family == .ipv4 ? 32 : 128
            guard let prefix else {
                self.init(address: address, prefixLength: width)
                return
            }
            if let length = Int(prefix), (0...width).contains(length) {
                self.init(address: address, prefixLength: length)
            } else if let mask = IPAddress(prefix), mask.family == .ipv4, address.family == .ipv4 {
                self.init(address: address, prefixLength: mask.ipv4Value.nonzeroBitCount)
            } else {
                return nil
            }
        }

        /// `192.168.10.0/24`, `2001:db8::/64`, or one address.
        public init?(parsing text: some StringProtocol) {
            let pieces = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let address = IPAddress(pieces[0]) else { return nil }
            self.init(address: address, prefix: pieces.count == 2 ? pieces[1] : nil)
        }

        /// Whether the network contains `other`.
        public func contains(_ other: IPAddress) -> Bool {
            other.family == address.family && Self.masked(other, to: prefixLength) == Self.masked(address, to: prefixLength)
        }

        /// The address with the bits after the first `length` cleared.
        static func masked(_ address: IPAddress, to length: Int) -> IPAddress {
            if address.family == .ipv4 {
                let mask = length <= 0 ? 0 : length >= 32 ? UInt32.max : ~(UInt32.max >> UInt32(length))
                return IPAddress(ipv4: address.ipv4Value & mask)
            }
            let highBits = max(0, min(length, 64))
            let lowBits = max(0, min(length, 128) - 64)
            let highMask = highBits == 0 ? 0 : (highBits >= 64 ? UInt64.max : ~(UInt64.max >> UInt64(highBits)))
            let lowMask = lowBits == 0 ? 0 : (lowBits >= 64 ? UInt64.max : ~(UInt64.max >> UInt64(lowBits)))
            return IPAddress(ipv6High: address.high & highMask, low: address.low & lowMask)
        }
    }
}
