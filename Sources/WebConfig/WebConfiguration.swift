import SystemSupport
import Yams

/// `--web.config.file`: TLS, basic authentication and response headers, in the format of
/// Prometheus' exporter-toolkit, so one file serves node_exporter and this exporter alike.
///
/// ```yaml
/// tls_server_config:
///   cert_file: server.crt              # relative to this file
///   key_file: server.key
///   client_auth_type: RequireAndVerifyClientCert
///   client_ca_file: clients-ca.crt
///   min_version: TLS12                 # TLS10 … TLS13
///   cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256]
/// http_server_config:
///   headers:
///     Strict-Transport-Security: max-age=31536000
/// basic_auth_users:
///   prometheus: $2y$10$…               # bcrypt
/// ```
///
/// Every key is checked when the exporter starts: an unknown key, a wrong value or a file that
/// cannot be read stops it with the file, line and column, rather than serving without the
/// protection the operator asked for.
public struct WebConfiguration: Sendable {
    public var tls: TLS?
    /// Sent with every response.
    public var headers: [(name: String, value: String)] = []
    /// User name → bcrypt hash.
    public var basicAuthUsers: [String: String] = [:]

    public struct TLS: Sendable {
        public var certificateFile: String
        public var keyFile: String
        public var clientAuth: ClientAuth = .none
        public var clientCAFile: String?
        public var minimumVersion: Version = .tls12
        public var maximumVersion: Version?
        /// IANA names, as Go spells them; empty means the library's defaults.
        public var cipherSuites: [String] = []
    }

    public enum ClientAuth: String, Sendable, CaseIterable {
        case none = "NoClientCert"
        case verifyIfGiven = "VerifyClientCertIfGiven"
        case requireAndVerify = "RequireAndVerifyClientCert"
    }

    public enum Version: String, Sendable, CaseIterable, Comparable {
        case tls10 = "TLS10"
        case tls11 = "TLS11"
        case tls12 = "TLS12"
        case tls13 = "TLS13"

        public static func < (lhs: Version, rhs: Version) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// TLS 1.2 suites by the names Go (and so exporter-toolkit's files) uses, CHACHA20 ones with
    /// and without the _SHA256 Go drops, to their IANA numbers; TLS 1.3 suites are not
    /// configurable, there as here.
    public static let cipherSuites: [String: UInt16] = [
        "TLS_RSA_WITH_AES_128_CBC_SHA": 0x002F, "TLS_RSA_WITH_AES_256_CBC_SHA": 0x0035,
        "TLS_RSA_WITH_AES_128_GCM_SHA256": 0x009C, "TLS_RSA_WITH_AES_256_GCM_SHA384": 0x009D,
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA": 0xC009, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA": 0xC00A,
        "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA": 0xC013, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA": 0xC014,
        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": 0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": 0xC02C,
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256": 0xC02F, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384": 0xC030,
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305": 0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256": 0xCCA8,
        "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305": 0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256": 0xCCA9,
    ]

    /// `$2a$`, `$2b$` or `$2y$`, a two-digit cost from 04 to 31, then 53 characters of bcrypt's
    /// base-64 alphabet (22 of salt, 31 of hash).
    public static func isBcryptHash(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 60, bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"),
            [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(bytes[2]), bytes[3] == UInt8(ascii: "$"),
            let cost = Int(String(decoding: bytes[4..<6], as: UTF8.self)), (4...31).contains(cost), bytes[6] == UInt8(ascii: "$")
        else { return false }
        return bytes[7...].allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "/")
        }
    }

    /// The response headers exporter-toolkit allows; others are refused, as there.
    static let allowedHeaders = [
        "Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "X-XSS-Protection", "Strict-Transport-Security",
    ]

    public init() {}

    /// Parses the file's text; `path` names it in errors and anchors relative file names.
    public static func parse(_ text: String, path: String) throws(WebConfigurationError) -> WebConfiguration {
        var configuration = WebConfiguration()
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _):
                throw WebConfigurationError(
                    path: path, line: mark.line, column: mark.column, message: "not valid YAML: \(problem)")
            default:
                throw WebConfigurationError(path: path, line: nil, column: nil, message: "not valid YAML: \(error)")
            }
        } catch {
            throw WebConfigurationError(path: path, line: nil, column: nil, message: "not valid YAML: \(error)")
        }
        guard let root else { return configuration }
        let reader = Reader(path: path)
        for (key, value) in try reader.mapping(root, "a mapping of tls_server_config, http_server_config, basic_auth_users") {
            switch key.string {
            case "tls_server_config":
                configuration.tls = try reader.tls(value)
            case "http_server_config":
                for (setting, settingValue) in try reader.mapping(value, "a mapping of headers") {
                    switch setting.string {
                    case "headers":
                        for (name, headerValue) in try reader.mapping(settingValue, "header: value pairs") {
                            let header = try reader.scalar(name, "a header name")
                            guard let canonical = allowedHeaders.first(where: { $0.lowercased() == header.lowercased() }) else {
                                throw reader.error(
                                    name, "header \(header) cannot be set; allowed: \(allowedHeaders.joined(separator: ", "))")
                            }
                            let text = try reader.scalar(headerValue, "the header's value")
                            // By scalar: "\r\n" is one Character, equal to neither "\r" nor "\n".
                            guard !text.unicodeScalars.contains(where: { $0 == "\r" || $0 == "\n" || $0 == "\0" }) else {
                                throw reader.error(headerValue, "a header value on one line")
                            }
                            configuration.headers.append((canonical, text))
                        }
                    case "http2":
                        // HTTP/1.1 only: accepted as false, refused as true rather than ignored.
                        guard try reader.scalar(settingValue, "true or false") == "false" else {
                            throw reader.error(settingValue, "http2: false (this exporter serves HTTP/1.1)")
                        }
                    default:
                        throw reader.error(setting, "headers or http2 under http_server_config, not \(setting.string ?? "?")")
                    }
                }
            case "basic_auth_users":
                for (user, hash) in try reader.mapping(value, "user: bcrypt hash pairs") {
                    let name = try reader.scalar(user, "a user name")
                    let text = try reader.scalar(hash, "a bcrypt hash")
                    guard Self.isBcryptHash(text) else {
                        throw reader.error(
                            hash,
                            "a bcrypt hash ($2a$, $2b$ or $2y$, cost 04 to 31, 53 characters) for \(name); make one with `htpasswd -nBC 10 \(name)`"
                        )
                    }
                    configuration.basicAuthUsers[name] = text
                }
            default:
                throw reader.error(key, "tls_server_config, http_server_config or basic_auth_users, not \(key.string ?? "?")")
            }
        }
        return configuration
    }

    /// Walks the YAML tree, turning every surprise into an error at its position.
    struct Reader {
        let path: String

        func error(_ node: Node, _ expected: String) -> WebConfigurationError {
            WebConfigurationError(
                path: path, line: node.mark.map { $0.line }, column: node.mark.map { $0.column }, message: "expected \(expected)")
        }

        func mapping(_ node: Node, _ what: String) throws(WebConfigurationError) -> [(Node, Node)] {
            guard case .mapping(let mapping) = node else { throw error(node, what) }
            var seen = Set<String>()
            var pairs: [(Node, Node)] = []
            for (key, value) in mapping {
                let name = key.string ?? ""
                guard seen.insert(name).inserted else { throw error(key, "\(name) only once") }
                pairs.append((key, value))
            }
            return pairs
        }

        func scalar(_ node: Node, _ what: String) throws(WebConfigurationError) -> String {
            guard case .scalar(let scalar) = node else { throw error(node, what) }
            return scalar.string
        }

        /// A file name, relative to the configuration's directory unless absolute.
        func file(_ node: Node, _ what: String) throws(WebConfigurationError) -> String {
            let name = try scalar(node, what)
            guard !name.isEmpty else { throw error(node, what) }
            return Files.resolve(name, relativeTo: path)
        }

        func tls(_ node: Node) throws(WebConfigurationError) -> TLS {
            var certificate: String?
            var key: String?
            var tls = TLS(certificateFile: "", keyFile: "")
            for (setting, value) in try mapping(
                node,
                "a mapping of cert_file, key_file, client_auth_type, client_ca_file, min_version, max_version, cipher_suites")
            {
                switch setting.string {
                case "cert_file": certificate = try file(value, "the server certificate's file")
                case "key_file": key = try file(value, "the server key's file")
                case "client_ca_file": tls.clientCAFile = try file(value, "the client CA's file")
                case "client_auth_type":
                    let text = try scalar(value, "a client_auth_type")
                    guard let auth = ClientAuth(rawValue: text) else {
                        throw error(
                            value,
                            "client_auth_type \(ClientAuth.allCases.map(\.rawValue).joined(separator: ", ")) (RequestClientCert and RequireAnyClientCert, which accept unverified certificates, are not offered)"
                        )
                    }
                    tls.clientAuth = auth
                case "min_version", "max_version":
                    let text = try scalar(value, "TLS10, TLS11, TLS12 or TLS13")
                    guard let version = Version(rawValue: text) else {
                        throw error(value, "TLS10, TLS11, TLS12 or TLS13, not \(text)")
                    }
                    if setting.string == "min_version" { tls.minimumVersion = version } else { tls.maximumVersion = version }
                case "cipher_suites":
                    guard case .sequence(let names) = value else { throw error(value, "a list of cipher suite names") }
                    for name in names {
                        let text = try scalar(name, "a cipher suite name")
                        guard WebConfiguration.cipherSuites[text] != nil else {
                            throw error(
                                name,
                                "a TLS 1.2 cipher suite: \(WebConfiguration.cipherSuites.keys.sorted().joined(separator: ", "))")
                        }
                        tls.cipherSuites.append(text)
                    }
                case "prefer_server_cipher_suites":
                    _ = try scalar(value, "true or false")
                case "cert", "key", "client_allowed_sans", "curve_preferences":
                    throw error(
                        setting,
                        "cert_file, key_file, client_auth_type, client_ca_file, min_version, max_version or cipher_suites (\(setting.string ?? "?") is not supported)"
                    )
                default:
                    throw error(setting, "a tls_server_config key, not \(setting.string ?? "?")")
                }
            }
            guard let certificate, let key else { throw error(node, "both cert_file and key_file") }
            tls.certificateFile = certificate
            tls.keyFile = key
            if tls.clientAuth != .none && tls.clientCAFile == nil {
                throw error(
                    node, "client_ca_file: client_auth_type \(tls.clientAuth.rawValue) verifies client certificates against it")
            }
            if let maximum = tls.maximumVersion, maximum < tls.minimumVersion {
                throw error(node, "max_version at or above min_version")
            }
            return tls
        }
    }
}
