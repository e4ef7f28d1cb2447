import NIOSSL
import WebConfig

/// The TLS context `tls_server_config` describes, built whenever the file is read: a certificate
/// that does not load or a key that does not match stops the start (or, on a change, keeps the
/// settings in force), never a handshake.
enum TLSContextFactory {
    static func version(_ version: WebConfiguration.Version) -> TLSVersion {
        switch version {
        case .tls10: .tlsv1
        case .tls11: .tlsv11
        case .tls12: .tlsv12
        case .tls13: .tlsv13
        }
    }

    static func make(_ tls: WebConfiguration.TLS, configurationPath: String) throws(WebConfigurationError) -> NIOSSLContext {
        func failure(_ what: String, _ file: String, _ reason: String) -> WebConfigurationError {
            WebConfigurationError(
                path: configurationPath, line: nil, column: nil, message: "\(what) \(file) cannot be used: \(reason)")
        }
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(tls.certificateFile) } catch {
            throw failure("cert_file", tls.certificateFile, "\(error)")
        }
        guard !chain.isEmpty else { throw failure("cert_file", tls.certificateFile, "no PEM certificate in it") }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: tls.keyFile, format: .pem) } catch {
            throw failure("key_file", tls.keyFile, "\(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = version(tls.minimumVersion)
        configuration.maximumTLSVersion = tls.maximumVersion.map(version)
        if !tls.cipherSuites.isEmpty {
            configuration.cipherSuiteValues = tls.cipherSuites.compactMap {
                WebConfiguration.cipherSuites[$0].map(NIOTLSCipher.init(rawValue:))
            }
        }
        if let caFile = tls.clientCAFile {
            let roots: [NIOSSLCertificate]
            do { roots = try NIOSSLCertificate.fromPEMFile(caFile) } catch { throw failure("client_ca_file", caFile, "\(error)") }
            guard !roots.isEmpty else { throw failure("client_ca_file", caFile, "no PEM certificate in it") }
            configuration.trustRoots = .certificates(roots)
            configuration.sendCANameList = true
        }
        switch tls.clientAuth {
        case .none: configuration.certificateVerification = .none
        case .verifyIfGiven: configuration.certificateVerification = .optionalVerification
        case .requireAndVerify: configuration.certificateVerification = .noHostnameVerification
        }
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw WebConfigurationError(
                path: configurationPath, line: nil, column: nil,
                message: "the TLS settings cannot be used (does key_file match cert_file?): \(error)")
        }
    }
}
