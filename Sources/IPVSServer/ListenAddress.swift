/// A `--web.listen-address` value: `:9911`, `0.0.0.0:9911`, `127.0.0.1:9911`, `[::1]:9911`,
/// `localhost:9911`.
///
/// An empty host means every address, IPv4 and IPv6, as in Go's `net.Listen`.
public struct ListenAddress: Hashable, Sendable, CustomStringConvertible {
    /// nil for "every address".
    public var host: String?
    public var port: Int

    public init(host: String?, port: Int) {
        self.host = host
        self.port = port
    }

    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var text: String
        public var reason: String
        public var description: String {
            "invalid listen address \"\(text)\": \(reason) (examples: :9911, 127.0.0.1:9911, [::1]:9911)"
        }
    }

    public init(parsing text: String) throws(ParseError) {
        guard let colon = text.lastIndex(of: ":") else {
            throw ParseError(text: text, reason: "no port")
        }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = Int(portText), (0...65535).contains(port) else {
            throw ParseError(text: text, reason: "port must be 0–65535")
        }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { throw ParseError(text: text, reason: "unclosed \"[\"") }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw ParseError(text: text, reason: "an IPv6 address must be in brackets")
        }
        self.init(host: host.isEmpty ? nil : host, port: port)
    }

    public var description: String {
        guard let host else { return ":\(port)" }
        return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
