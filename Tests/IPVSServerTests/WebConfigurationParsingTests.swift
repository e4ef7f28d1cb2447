import Testing
import WebConfig

@testable import IPVSServer

/// The web configuration's reader and the basic-auth checks, without a server.
@Suite struct WebConfigurationParsingTests {
    static let secretHash = "$2b$10$YvkyHv6SFwbLy6uR9bUcruTQdRlyksPy/XGwP3fwk5SJhVc1mTzRq"  // "secret", made by libcrypt

    @Test func aFullFileIsRead() async throws {
        let configuration = try WebConfiguration.parse(
            """
            tls_server_config:
              cert_file: tls/server.crt
              key_file: /etc/ipvs/server.key
              client_auth_type: VerifyClientCertIfGiven
              client_ca_file: ca.crt
              min_version: TLS12
              max_version: TLS13
              cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305]
            http_server_config:
              http2: false
              headers:
                x-frame-options: deny
            basic_auth_users:
              prometheus: \(Self.secretHash)
            """, path: "/etc/ipvs/web.yml")
        let tls = try #require(configuration.tls)
        #expect(tls.certificateFile == "/etc/ipvs/tls/server.crt", "relative to the file")
        #expect(tls.keyFile == "/etc/ipvs/server.key")
        #expect(tls.clientAuth == .verifyIfGiven && tls.clientCAFile == "/etc/ipvs/ca.crt")
        #expect(tls.minimumVersion == .tls12 && tls.maximumVersion == .tls13)
        #expect(tls.cipherSuites.count == 2)
        #expect(configuration.headers.map(\.name) == ["X-Frame-Options"], "canonical spelling")
        #expect(configuration.basicAuthUsers == ["prometheus": Self.secretHash])
    }

    @Test(arguments: [
        ("tls_server_config:\n  cert_file: a\n  key_file: b\n  max_version: TLS10\n", "max_version at or above min_version"),
        (
            "tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireAnyClientCert\n",
            "4:21: expected client_auth_type"
        ),
        (
            "tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: [TLS_NULL]\n",
            "4:19: expected a TLS 1.2 cipher suite"
        ),
        ("http_server_config:\n  http2: true\n", "2:10: expected http2: false"),
        (
            "http_server_config:\n  headers:\n    X-Frame-Options: \"a\\r\\nSet-Cookie: x\"\n",
            "expected a header value on one line"
        ),
        ("basic_auth_users:\n  a: $2y$03$aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", "2:6: expected a bcrypt hash"),
        ("basic_auth_users: [a]\n", "1:19: expected user: bcrypt hash pairs"),
        ("tls_server_config: {cert_file: a, cert_file: b, key_file: c}\n", "duplicated key"),
        ("http_server_config:\n  headers:\n    X-Frame-Options: \"a\\nb\"\n", "expected a header value on one line"),
        ("a: [\n", "not valid YAML"),
    ])
    func badFilesNameLineAndColumn(_ text: String, _ message: String) {
        #expect {
            _ = try WebConfiguration.parse(text, path: "web.yml")
        } throws: { error in
            "\(error)".contains(message)
        }
    }

    @Test func emptyFileMeansNothingChanges() async throws {
        let configuration = try WebConfiguration.parse("", path: "web.yml")
        #expect(configuration.tls == nil && configuration.headers.isEmpty && configuration.basicAuthUsers.isEmpty)
    }

    @Test func credentialsOfTheAuthorizationHeader() async {
        #expect(BasicAuthentication.credentials("Basic cHJvbWV0aGV1czpzZWNyZXQ=")! == ("prometheus", "secret"))
        #expect(BasicAuthentication.credentials("basic  dTpwOmFzcw==")! == ("u", "p:ass"), "the password may hold colons")
        #expect(BasicAuthentication.credentials("Bearer abc") == nil)
        #expect(BasicAuthentication.credentials("Basic not-base64!") == nil)
        #expect(BasicAuthentication.credentials("Basic dXNlcg==") == nil, "no colon")
        #expect(BasicAuthentication.credentials(nil) == nil)
    }

    @Test func bcryptChecks() async {
        #expect(BasicAuthentication.check("secret", against: Self.secretHash))
        #expect(!BasicAuthentication.check("Secret", against: Self.secretHash))
        #expect(!BasicAuthentication.check("secret", against: "$2b$10$notahash"))
        let authentication = BasicAuthentication(users: ["prometheus": Self.secretHash])
        #expect(!authentication.remembers(authorization: "Basic cHJvbWV0aGV1czpzZWNyZXQ="))
        #expect(authentication.allows(authorization: "Basic cHJvbWV0aGV1czpzZWNyZXQ="))
        #expect(authentication.remembers(authorization: "Basic cHJvbWV0aGV1czpzZWNyZXQ="))
        #expect(!authentication.allows(authorization: "Basic bm9ib2R5OnNlY3JldA=="), "unknown user nobody:secret")
    }

    @Test func bcryptHashShape() async {
        #expect(WebConfiguration.isBcryptHash(Self.secretHash))
        #expect(WebConfiguration.isBcryptHash("$2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze"))
        #expect(!WebConfiguration.isBcryptHash("$2x$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze"))
        #expect(!WebConfiguration.isBcryptHash("$2y$32$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPze"))
        #expect(!WebConfiguration.isBcryptHash("$2y$10$mDwo.lAisC94iLAyP81MCesa29IzH37oigHC/42V2pdJlUprsJPz!"))
    }
}
