import IPVS
public import WebConfig

extension ServerConfiguration {
    /// Reads `--web.config.file` and applies it: TLS context, users, headers.
    public mutating func apply(webConfigurationFile path: String) throws(WebConfigurationError) {
        let bytes: [UInt8]
        do { bytes = try ProcFile.read(path, limit: 1 << 20) } catch {
            throw WebConfigurationError(path: path, line: nil, column: nil, message: "cannot be read: \(error)")
        }
        let web = try WebConfiguration.parse(String(decoding: bytes, as: UTF8.self), path: path)
        if let tls = web.tls { self.tls = try TLSContextFactory.make(tls, configurationPath: path) }
        if !web.basicAuthUsers.isEmpty { authentication = BasicAuthentication(users: web.basicAuthUsers) }
        headers = web.headers
    }
}
