import Foundation
import IPVSTestSupport
import Testing

/// `--web.config.file` against real clients: certificates made by the openssl command, HTTPS
/// checked with curl and `openssl s_client`, bcrypt hashes made by libcrypt through Python.
@Suite(.serialized) struct WebConfigurationTests {
    static let needs = Processes.shouldRun(needing: "openssl", "curl", "python3")

    /// A CA, a server certificate for 127.0.0.1 signed by it, a client certificate signed by it,
    /// and a client certificate from another CA; plus two bcrypt hashes.
    struct Material {
        let directory: String
        var ca: String { directory + "/ca.crt" }
        var server: String { directory + "/server.crt" }
        var serverKey: String { directory + "/server.key" }
        var client: String { directory + "/client.crt" }
        var clientKey: String { directory + "/client.key" }
        var strangerCert: String { directory + "/stranger.crt" }
        var strangerKey: String { directory + "/stranger.key" }
        /// For 127.0.0.1 like `server`, but signed by the other CA.
        var renewed: String { directory + "/renewed.crt" }
        var renewedKey: String { directory + "/renewed.key" }
        var otherCA: String { directory + "/other.crt" }
        let prometheusHash: String
    }

    static func material() async throws -> Material {
        let directory = try Fixtures.temporaryDirectory("web-config")
        let script = """
            set -e; cd '\(directory)'
            key() { openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=$1" -keyout "$2.key" -out "$2.crt" 2>/dev/null; }
            signed() {  # signed NAME CN CA EXT
                openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$2" -keyout "$1.key" -out "$1.csr" 2>/dev/null
                printf '%s\\n' "$4" > "$1.ext"
                openssl x509 -req -in "$1.csr" -CA "$3.crt" -CAkey "$3.key" -CAcreateserial -days 2 -extfile "$1.ext" -out "$1.crt" 2>/dev/null
            }
            key 'test CA' ca
            key 'other CA' other
            signed server 127.0.0.1 ca 'subjectAltName=IP:127.0.0.1'
            signed client prometheus ca 'extendedKeyUsage=clientAuth'
            signed stranger stranger other 'extendedKeyUsage=clientAuth'
            signed renewed 127.0.0.1 other 'subjectAltName=IP:127.0.0.1'
            """
        let made = try await Processes.shell(script)
        try #require(made.status == 0, "openssl: \(made.stderr)")
        return Material(directory: directory, prometheusHash: try await bcrypt("s3cret"))
    }

    static func bcrypt(_ password: String) async throws -> String {
        let hash = try await Processes.shell(
            #"python3 -W ignore -c 'import crypt; print(crypt.crypt("\#(password)", crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=1024)))'"#
        )
        try #require(hash.status == 0 && hash.stdout.hasPrefix("$2b$10$"), "bcrypt: \(hash.stderr)")
        return hash.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Asks until curl gives `expected`, for up to 5 s; the last answer.
    static func eventually(_ arguments: String, _ expected: String) async throws -> String {
        let deadline = Date().addingTimeInterval(5)
        var answer = ""
        repeat {
            answer = try await status(arguments)
            if answer == expected { break }
            try await Task.sleep(for: .seconds(0.2))
        } while Date() < deadline
        return answer
    }

    static func start(config: String, in material: Material) async throws -> (RunningProcess, Int) {
        try Fixtures.write(config, to: material.directory + "/web.yml")
        let process = try RunningProcess(
            Processes.exporterBinary,
            [
                "--web.listen-address", "127.0.0.1:0", "--path.procfs", Fixtures.labProc, "--web.config.file",
                material.directory + "/web.yml",
            ])
        return (process, try await process.listeningPort())
    }

    /// `curl -s -o /dev/null -w %{http_code}` plus arguments: "000" when the connection failed.
    static func status(_ arguments: String) async throws -> String {
        try await Processes.shell("curl -s -o /dev/null -w '%{http_code}' --max-time 10 \(arguments) || true").stdout
    }

    @Test(.enabled(if: needs)) func tlsWithAMinimumVersion() async throws {
        let material = try await Self.material()
        let (process, port) = try await Self.start(
            config: """
                tls_server_config:
                  cert_file: server.crt
                  key_file: server.key
                  min_version: TLS13
                http_server_config:
                  headers:
                    Strict-Transport-Security: max-age=31536000
                    X-Content-Type-Options: nosniff
                """, in: material)
        defer { process.stop() }
        let url = "https://127.0.0.1:\(port)/metrics"
        #expect(try await Self.status("--cacert \(material.ca) \(url)") == "200")
        // Plain HTTP on the TLS port is no scrape; a client that stops at TLS 1.2 gets nothing.
        #expect(try await Self.status("http://127.0.0.1:\(port)/metrics") != "200")
        #expect(try await Self.status("--cacert \(material.ca) --tls-max 1.2 \(url)") == "000")
        let old = try await Processes.shell(
            "openssl s_client -connect 127.0.0.1:\(port) -tls1_2 -CAfile \(material.ca) < /dev/null 2>&1 || true")
        #expect(
            old.stdout.contains("alert protocol version") || old.stdout.contains("no protocols available")
                || old.stdout.contains("Cipher is (NONE)"), "\(old.stdout)")
        let current = try await Processes.shell(
            "openssl s_client -connect 127.0.0.1:\(port) -tls1_3 -CAfile \(material.ca) < /dev/null 2>&1 || true")
        #expect(current.stdout.contains("Verify return code: 0 (ok)") && current.stdout.contains("TLSv1.3"), "\(current.stdout)")
        let headers = try await Processes.shell("curl -s -D - -o /dev/null --cacert \(material.ca) \(url)").stdout.lowercased()
        #expect(headers.contains("strict-transport-security: max-age=31536000"))
        #expect(headers.contains("x-content-type-options: nosniff"))
    }

    @Test(.enabled(if: needs)) func clientCertificateRequired() async throws {
        let material = try await Self.material()
        let (process, port) = try await Self.start(
            config: """
                tls_server_config:
                  cert_file: server.crt
                  key_file: server.key
                  client_auth_type: RequireAndVerifyClientCert
                  client_ca_file: ca.crt
                """, in: material)
        defer { process.stop() }
        let url = "--cacert \(material.ca) https://127.0.0.1:\(port)/metrics"
        #expect(try await Self.status(url) == "000", "no client certificate: refused")
        #expect(
            try await Self.status("--cert \(material.strangerCert) --key \(material.strangerKey) \(url)") == "000",
            "a certificate from another CA: refused")
        #expect(try await Self.status("--cert \(material.client) --key \(material.clientKey) \(url)") == "200")
    }

    @Test(.enabled(if: needs)) func basicAuthentication() async throws {
        let material = try await Self.material()
        let (process, port) = try await Self.start(
            config: """
                basic_auth_users:
                  prometheus: \(material.prometheusHash)
                """, in: material)
        defer { process.stop() }
        let url = "http://127.0.0.1:\(port)/metrics"
        #expect(try await Self.status(url) == "401")
        #expect(try await Self.status("-u prometheus:wrong \(url)") == "401")
        #expect(try await Self.status("-u nobody:s3cret \(url)") == "401")
        #expect(try await Self.status("-u prometheus:s3cret \(url)") == "200")
        // Remembered: the second time needs no bcrypt, and still only with the right password.
        #expect(try await Self.status("-u prometheus:s3cret \(url)") == "200")
        #expect(try await Self.status("-u prometheus:s3cret2 \(url)") == "401")
        let challenge = try await Processes.shell("curl -s -D - -o /dev/null \(url)").stdout
        #expect(challenge.lowercased().contains("www-authenticate: basic"))
    }

    /// Certificates renewed and passwords changed apply without a restart, as with
    /// exporter-toolkit; a version that cannot be used is reported once and changes nothing.
    @Test(.enabled(if: needs)) func changesApplyWithoutARestart() async throws {
        let material = try await Self.material()
        let tls = "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
        let (process, port) = try await Self.start(
            config: tls + "basic_auth_users:\n  prometheus: \(material.prometheusHash)\n", in: material)
        defer { process.stop() }
        let url = "https://127.0.0.1:\(port)/metrics"
        #expect(try await Self.status("--cacert \(material.ca) -u prometheus:s3cret \(url)") == "200")

        // A new password: the old one stops working.
        try Fixtures.write(
            tls + "basic_auth_users:\n  prometheus: \(try await Self.bcrypt("n3w"))\n", to: material.directory + "/web.yml")
        #expect(try await Self.eventually("--cacert \(material.ca) -u prometheus:n3w \(url)", "200") == "200")
        #expect(try await Self.status("--cacert \(material.ca) -u prometheus:s3cret \(url)") == "401")
        #expect(try await process.waitForLine(containing: "web configuration reloaded").contains("basic_auth=true"))

        // Certificates renewed in place, as an ACME client does (the file itself unchanged):
        // the new chain is served, the old CA no longer verifies it.
        let renamed = try await Processes.shell(
            "cd '\(material.directory)' && mv renewed.key server.key && mv renewed.crt server.crt")
        try #require(renamed.status == 0)
        #expect(try await Self.eventually("--cacert \(material.otherCA) -u prometheus:n3w \(url)", "200") == "200")
        #expect(try await Self.status("--cacert \(material.ca) -u prometheus:n3w \(url)") == "000")

        // A broken version: said once, with where and why; the settings in force stay.
        try Fixtures.write(tls + "basic_auth_users:\n  prometheus: plaintext\n", to: material.directory + "/web.yml")
        for _ in 0..<4 {
            try await Task.sleep(for: .seconds(0.6))
            #expect(try await Self.status("--cacert \(material.otherCA) -u prometheus:n3w \(url)") == "200")
            #expect(try await Self.status("--cacert \(material.otherCA) -u prometheus:plaintext \(url)") == "401")
        }
        let broken = try await process.waitForLine(containing: "cannot be used; the previous settings stay")
        #expect(broken.contains("web.yml:5:15: expected a bcrypt hash"), "\(broken)")
        #expect(process.log.filter { $0.contains("cannot be used; the previous settings stay") }.count == 1)

        // Dropping TLS from the file would turn HTTPS into HTTP under the clients' feet.
        try Fixtures.write("basic_auth_users:\n  prometheus: \(material.prometheusHash)\n", to: material.directory + "/web.yml")
        for _ in 0..<3 {
            try await Task.sleep(for: .seconds(0.6))
            #expect(try await Self.status("--cacert \(material.otherCA) -u prometheus:n3w \(url)") == "200")
        }
        _ = try await process.waitForLine(containing: "turning TLS on or off needs a restart")
    }

    /// A file that cannot be used stops the exporter at start, saying where and why.
    @Test(
        .enabled(if: needs),
        arguments: [
            ("tls_server_config:\n  cert_file: server.crt\n", "both cert_file and key_file"),
            ("tls_server_config:\n  cert_file: missing.crt\n  key_file: server.key\n", "missing.crt cannot be used"),
            ("tls_server_config:\n  cert_file: server.crt\n  key_file: client.key\n", "does key_file match cert_file"),
            (
                "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  min_version: TLS14\n",
                "web.yml:4:16: expected TLS10"
            ),
            (
                "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n",
                "client_ca_file"
            ),
            ("basic_auth_users:\n  prometheus: plaintext\n", "web.yml:2:15: expected a bcrypt hash"),
            ("http_server_config:\n  headers:\n    Server: x\n", "header Server cannot be set"),
            ("tls_config:\n  x: 1\n", "web.yml:1:1: expected tls_server_config"),
        ])
    func unusableFilesStopTheStart(_ config: String, _ message: String) async throws {
        let material = try await Self.material()
        try Fixtures.write(config, to: material.directory + "/web.yml")
        let result = try await Processes.run(
            Processes.exporterBinary,
            [
                "--web.listen-address", "127.0.0.1:0", "--path.procfs", Fixtures.labProc, "--web.config.file",
                material.directory + "/web.yml",
            ],
            timeout: 20)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("cannot use --web.config.file") && result.stderr.contains(message), "\(result.stderr)")
    }
}
