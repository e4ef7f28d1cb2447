/// `address:port` as ipvsadm prints it: IPv6 in brackets.
public enum SocketAddressText {
    public static func format(_ address: IPAddress, _ port: UInt16) -> String {
        address.family == .ipv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}
