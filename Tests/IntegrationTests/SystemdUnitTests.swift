import Foundation
import IPVSTestSupport
import Testing

/// packaging/ipvs_exporter.service: what systemd itself says of it, and the least-privilege
/// settings it must keep. (The kernel lab's unprivileged scenario runs the exporter the way this
/// unit does: nobody, CAP_NET_ADMIN only, reading netlink.)
@Suite struct SystemdUnitTests {
    static let unit = Fixtures.packageRoot + "/packaging/ipvs_exporter.service"

    /// The unit with ExecStart pointing at the freshly built binary, so `verify` can check it
    /// exists and is executable.
    static func unitForVerify() throws -> String {
        let directory = try Fixtures.temporaryDirectory("systemd-unit")
        let text = try String(contentsOfFile: unit, encoding: .utf8)
            .replacingOccurrences(of: "ExecStart=/usr/local/bin/ipvs_exporter", with: "ExecStart=\(Processes.exporterBinary)")
        let path = directory + "/ipvs_exporter.service"
        try Fixtures.write(text, to: path)
        return path
    }

    @Test(.enabled(if: Processes.shouldRun(needing: "systemd-analyze")))
    func systemdAnalyzeVerifyIsClean() async throws {
        let result = try await Processes.run(
            Processes.which("systemd-analyze") ?? "/usr/bin/systemd-analyze", ["verify", try Self.unitForVerify()])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "systemd has remarks: \(result.stdout)\(result.stderr)")
    }

    /// packaging/ipvs_exporter.socket beside the service it activates.
    @Test(.enabled(if: Processes.shouldRun(needing: "systemd-analyze")))
    func socketUnitVerifiesClean() async throws {
        let service = try Self.unitForVerify()
        let socket = URL(fileURLWithPath: service).deletingLastPathComponent().path + "/ipvs_exporter.socket"
        try Fixtures.write(
            try String(contentsOfFile: Fixtures.packageRoot + "/packaging/ipvs_exporter.socket", encoding: .utf8), to: socket)
        let result = try await Processes.run(
            Processes.which("systemd-analyze") ?? "/usr/bin/systemd-analyze", ["verify", socket])
        #expect(result.status == 0 && result.stdout.isEmpty && result.stderr.isEmpty, "\(result.stdout)\(result.stderr)")
    }

    /// Socket activation as systemd does it (systemd-socket-activate speaks the same protocol):
    /// the exporter adopts the socket it is handed and serves on it; without one it says why.
    /// Run from bash, which waits for the activator (it execs the exporter in its place).
    @Test(.enabled(if: Processes.shouldRun(needing: "systemd-socket-activate", "curl")))
    func servesOnTheSocketSystemdPasses() async throws {
        let port = try Processes.freePort()
        let log = try Fixtures.temporaryDirectory("socket-activation") + "/log"
        let result = try await Processes.shell(
            """
            systemd-socket-activate -l 127.0.0.1:\(port) '\(Processes.exporterBinary)' --web.systemd-socket \\
                --path.procfs '\(Fixtures.labProc)' --path.boot '\(Fixtures.labBoot)' > '\(log)' 2>&1 < /dev/null &
            activator=$!
            trap 'kill $activator 2>/dev/null; wait $activator 2>/dev/null' EXIT
            for _ in $(seq 100); do grep -q 'Listening on' '\(log)' && break; sleep 0.1; done
            curl -sf --max-time 20 http://127.0.0.1:\(port)/metrics | grep -c '^ipvs_up 1$'
            for _ in $(seq 100); do grep -q 'msg=listening' '\(log)' && break; sleep 0.1; done
            grep 'msg=listening' '\(log)'
            """)
        let written = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)\n\(written)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "1", "\(result.stdout)\n\(written)")
        let listening = String(lines.last ?? "")
        #expect(listening.contains("address=127.0.0.1:\(port)") && listening.contains("from=systemd"), "\(written)")

        let alone = try await Processes.run(Processes.exporterBinary, ["--web.systemd-socket"])
        #expect(alone.status == 1)
        #expect(alone.stderr.contains("systemd passed no sockets"), "\(alone.stderr)")
    }

    /// systemd's own exposure score (0 safest, 10 worst); 2.0 or below is its "OK".
    @Test(.enabled(if: Processes.shouldRun(needing: "systemd-analyze")))
    func exposureIsLow() async throws {
        let result = try await Processes.run(
            Processes.which("systemd-analyze") ?? "/usr/bin/systemd-analyze",
            ["security", "--offline=yes", "--no-pager", try Self.unitForVerify()])
        let line = try #require(
            result.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") },
            "\(result.stdout)\(result.stderr)")
        let score = try #require(line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }, "\(line)")
        #expect(score <= 2.0, "\(line)")
    }

    /// The system calls the unit's `SystemCallFilter=` lines allow, with systemd's own group
    /// definitions (`systemd-analyze syscall-filter`) and its rules for several lines: the first
    /// sets the mode (an allow list starts from @default), later `~` lines remove, others add.
    static func allowedSystemCalls() async throws -> Set<String> {
        let listing = try await Processes.run(
            Processes.which("systemd-analyze") ?? "/usr/bin/systemd-analyze", ["syscall-filter", "--no-pager"])
        try #require(listing.status == 0, "\(listing.stderr)")
        var groups: [String: [String]] = [:]
        var current: String?
        for line in listing.stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty {
                current = nil
            } else if !line.hasPrefix(" ") && text.hasPrefix("@") {
                current = text
                groups[text] = []
            } else if let group = current, !text.hasPrefix("#") {
                groups[group, default: []].append(text)
            }
        }
        func expand(_ name: String) throws -> Set<String> {
            guard name.hasPrefix("@") else { return [name] }
            let members = try #require(groups[name], "systemd knows no group \(name)")
            return try members.reduce(into: Set<String>()) { $0.formUnion(try expand($1)) }
        }
        let filters = try String(contentsOfFile: unit, encoding: .utf8).split(separator: "\n")
            .filter { $0.hasPrefix("SystemCallFilter=") }.map { $0.dropFirst("SystemCallFilter=".count) }
        try #require(
            filters.first.map { !$0.hasPrefix("~") } == true, "the unit's first SystemCallFilter= is expected to be an allow list"
        )
        var allowed = try expand("@default")
        for filter in filters {
            let remove = filter.hasPrefix("~")
            for item in filter.drop(while: { $0 == "~" }).split(separator: " ") {
                let calls = try expand(String(item))
                if remove { allowed.subtract(calls) } else { allowed.formUnion(calls) }
            }
        }
        return allowed
    }

    /// Every system call the exporter makes, traced with strace through a start, HTTPS scrapes
    /// with basic auth (plain and gzip), the landing page, a 404 and SIGTERM, must pass the
    /// unit's filter: systemd kills a process that makes any other (SIGSYS), so `verify`
    /// passing says nothing about whether the service would start. It would not have:
    /// libdispatch's worker threads call setpriority, which `~@resources` took away.
    @Test(.enabled(if: Processes.shouldRun(needing: "systemd-analyze", "strace", "curl", "openssl", "python3")))
    func systemCallFilterAllowsWhatTheExporterCalls() async throws {
        let allowed = try await Self.allowedSystemCalls()
        let material = try await WebConfigurationTests.material()
        try Fixtures.write(
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\nbasic_auth_users:\n  prometheus: \(material.prometheusHash)\n",
            to: material.directory + "/web.yml")
        let trace = material.directory + "/strace.txt"
        let process = try RunningProcess(
            Processes.which("strace") ?? "/usr/bin/strace",
            [
                "-f", "-qq", "-o", trace, Processes.exporterBinary, "--web.listen-address", "127.0.0.1:0", "--path.procfs",
                Fixtures.labProc,
                "--web.config.file", material.directory + "/web.yml",
            ])
        defer { process.stop() }
        let port = try await process.listeningPort()
        let base = "--cacert \(material.ca) -u prometheus:s3cret https://127.0.0.1:\(port)"
        await #expect(try WebConfigurationTests.status("\(base)/metrics") == "200")
        await #expect(try WebConfigurationTests.status("--compressed \(base)/metrics") == "200")
        await #expect(try WebConfigurationTests.status("\(base)/") == "200")
        await #expect(try WebConfigurationTests.status("\(base)/nothing") == "404")
        // The exporter is strace's child; strace exits with its status.
        let child = try #require(
            Int32(
                try await Processes.shell("pgrep -P \(process.process.processIdentifier)").stdout.trimmingCharacters(
                    in: .whitespacesAndNewlines)))
        kill(child, SIGTERM)
        await #expect(process.waitForExit(timeout: 20) == 0)
        var called = Set<String>()
        for line in try String(contentsOfFile: trace, encoding: .utf8).split(separator: "\n") {
            // "PID name(arguments) = result", "PID <... name resumed>…"; signals and exits start with --- or +++.
            let rest = line.drop(while: { $0.isNumber }).drop(while: { $0 == " " })
            let name =
                rest.hasPrefix("<... ") ? rest.dropFirst(5).prefix(while: { $0 != " " }) : rest.prefix(while: { $0 != "(" })
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { continue }
            called.insert(String(name))
        }
        #expect(called.count > 20 && called.contains("accept4") && called.contains("openat"), "strace saw: \(called.sorted())")
        #expect(
            called.subtracting(allowed).isEmpty,
            "the unit's SystemCallFilter would kill the exporter at: \(called.subtracting(allowed).sorted())")
    }

    @Test func keepsLeastPrivilege() async throws {
        let lines = Set(try String(contentsOfFile: Self.unit, encoding: .utf8).split(separator: "\n").map(String.init))
        for setting in [
            "DynamicUser=yes", "AmbientCapabilities=CAP_NET_ADMIN", "CapabilityBoundingSet=CAP_NET_ADMIN", "NoNewPrivileges=yes",
            "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
            "RestrictAddressFamilies=AF_NETLINK AF_INET AF_INET6 AF_UNIX",
        ] {
            #expect(lines.contains(setting), "\(setting) missing")
        }
    }
}
