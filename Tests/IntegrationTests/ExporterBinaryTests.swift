import Foundation
import Glibc
import IPVSTestSupport
import Testing

/// The built `ipvs_exporter` binary, run as an operator would run it.
@Suite(.serialized) struct ExporterBinaryTests {
    static var exporter: String { Processes.exporterBinary }

    static func start(_ arguments: [String]) async throws -> (RunningProcess, Int) {
        let process = try RunningProcess(exporter, ["--web.listen-address", "127.0.0.1:0"] + arguments)
        return (process, try await process.listeningPort())
    }

    static let fixtureArguments = ["--path.procfs", Fixtures.labProc, "--path.boot", Fixtures.labBoot]

    @Test(.enabled(if: Processes.shouldRun(needing: "promtool")))
    func promtoolAcceptsTheGoldenExpositions() async throws {
        let result = try await Processes.run(
            "/usr/bin/promtool", ["check", "metrics"], stdin: try Fixtures.text("expected/kernel-6.1-lab.procfs.prom"))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "promtool has remarks: \(result.stdout)\(result.stderr)")
    }

    /// The issue's own check: `curl -s -H 'Accept-Encoding: gzip' …/metrics | gunzip | promtool check metrics`.
    @Test(.enabled(if: Processes.shouldRun(needing: "promtool", "curl", "gunzip")))
    func liveGzipOutputPassesPromtool() async throws {
        let (process, port) = try await Self.start(Self.fixtureArguments)
        defer { process.stop() }
        let result = try await Processes.shell(
            "curl -sf -H 'Accept-Encoding: gzip' http://127.0.0.1:\(port)/metrics | gunzip | promtool check metrics")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "\(result.stdout)\(result.stderr)")
        // The process_* metrics come from the real /proc/self and are part of the live check.
        let plain = try await Processes.shell("curl -sf http://127.0.0.1:\(port)/metrics")
        #expect(plain.stdout.contains("process_resident_memory_bytes "))
        #expect(plain.stdout.contains("ipvs_up 1\n"))
    }

    /// A host without IPVS: the exporter starts, serves ipvs_up 0 and says why once, however
    /// many scrapes follow.
    @Test func withoutIPVSServesUpZeroAndSaysWhyOnce() async throws {
        let empty = try Fixtures.temporaryDirectory("no-ipvs")
        let (process, port) = try await Self.start(["--path.procfs", empty])
        defer { process.stop() }
        for _ in 0..<3 {
            let body = try await Processes.shell("curl -sf http://127.0.0.1:\(port)/metrics").stdout
            #expect(body.contains("\nipvs_up 0\n"))
            #expect(body.contains(#"ipvs_scrape_collector_success{collector="services"} 0"#))
        }
        let why = process.log.filter { $0.contains("ip_vs kernel module") }
        #expect(why.count == 1, "log:\n\(process.log.joined(separator: "\n"))")
        #expect(why.first?.contains("level=warn") == true)
        #expect(why.first?.contains(empty + "/net/ip_vs does not exist") == true)
    }

    @Test func sigtermDrainsAndExitsZero() async throws {
        let (process, port) = try await Self.start(Self.fixtureArguments)
        #expect(
            try await Processes.shell("curl -sf -o /dev/null -w '%{http_code}' http://127.0.0.1:\(port)/metrics").stdout == "200")
        process.signal(SIGTERM)
        let status = await process.waitForExit(timeout: 10)
        #expect(status == 0, "log:\n\(process.log.joined(separator: "\n"))")
        #expect(process.log.contains { $0.contains("msg=\"shutting down\"") && $0.contains("signal=SIGTERM") })
        #expect(process.log.last?.contains("msg=stopped") == true)
    }

    @Test func jsonLogFormat() async throws {
        let process = try RunningProcess(
            Self.exporter, ["--web.listen-address", "127.0.0.1:0", "--log.format", "json"] + Self.fixtureArguments)
        defer { process.stop() }
        let line = try await process.waitForLine(containing: "\"msg\":\"listening\"")
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
        #expect(object?["level"] == "info")
        #expect(object?["address"]?.hasPrefix("127.0.0.1:") == true)
    }

    @Test(arguments: [
        (["--web.listen-address", "nonsense"], "invalid listen address"),
        (["--log.level", "verbose"], "log.level"),
        (["--web.telemetry-path", "metrics"], "must start with"),
        (["--no-such-flag"], "Unknown option"),
        (["--web.max-requests=-1"], "0 or more"),
        (["--collector.services.include", "TCP ("], #"--collector.services.include "TCP (" is not a regular expression"#),
    ])
    func badCommandLinesExitThree(_ arguments: [String], _ message: String) async throws {
        let result = try await Processes.run(Self.exporter, arguments)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func helpTeachesTheFlags() async throws {
        let result = try await Processes.run(Self.exporter, ["serve", "--help"])
        #expect(result.status == 0)
        for flag in [
            "--web.listen-address", "--web.telemetry-path", "--web.max-requests", "--path.procfs", "--collector.connections",
            "--no-collector.connections", "--log.level", "--log.format", "Tests/Fixtures/kernel-6.1-lab/proc",
        ] {
            #expect(result.stdout.contains(flag), "\(flag) missing from --help")
        }
    }

    /// Every collector turns off with node_exporter's spelling, `_` in its name or not, and its
    /// metrics leave the exposition.
    @Test(
        arguments: [
            ("connections", "ipvs_connections{"), ("stats", "ipvs_connections_total "), ("sync_daemons", nil),
            ("services", "ipvs_service_info{"), ("backends", "ipvs_backend_weight{"), ("info", nil), ("timeouts", nil),
            ("sysctls", "ipvs_sysctl{"),
        ] as [(String, String?)])
    func collectorsTurnOff(_ collector: String, _ sample: String?) async throws {
        let (process, port) = try await Self.start(Self.fixtureArguments + ["--no-collector.\(collector)"])
        defer { process.stop() }
        let body = try await Processes.shell("curl -sf http://127.0.0.1:\(port)/metrics").stdout
        #expect(body.contains("ipvs_up 1\n"))
        #expect(!body.contains(#"collector="\#(collector)""#), "\(collector) still reports")
        if let sample { #expect(!body.contains(sample), "\(sample) still served") }
    }

    /// The exporter's own HTTP traffic: answers by known path (every other path as `other`) and
    /// code, this scrape in flight, refusals by reason from 0.
    @Test func servesItsOwnHTTPMetrics() async throws {
        let (process, port) = try await Self.start(Self.fixtureArguments)
        defer { process.stop() }
        let base = "http://127.0.0.1:\(port)"
        let big = try Fixtures.temporaryDirectory("http-metrics") + "/body"
        try [UInt8](repeating: 0x61, count: 200 << 10).withUnsafeBufferPointer {
            try Data(buffer: $0).write(to: URL(fileURLWithPath: big))
        }
        _ = try await Processes.shell(
            """
            curl -s -o /dev/null \(base)/metrics; curl -s -o /dev/null \(base)/-/healthy
            curl -s -o /dev/null \(base)/nope; curl -s -o /dev/null \(base)/wp-login.php
            curl -s -o /dev/null -X GET --data-binary @\(big) \(base)/metrics || true
            """)
        let parsed = try ExpositionText.parse(try await Processes.shell("curl -sf \(base)/metrics").stdout)
        let samples = Dictionary(
            parsed.map { ($0.name + ($0.labels.isEmpty ? "" : $0.labelText), $0.value) }, uniquingKeysWith: { first, _ in first })
        #expect(samples[#"ipvs_exporter_http_requests_total{code="200",path="/metrics"}"#] == "1")
        #expect(samples[#"ipvs_exporter_http_requests_total{code="200",path="/-/healthy"}"#] == "1")
        #expect(samples[#"ipvs_exporter_http_requests_total{code="404",path="other"}"#] == "2")
        #expect(samples[#"ipvs_exporter_http_requests_total{code="413",path="/metrics"}"#] == "1")
        #expect(samples["ipvs_exporter_http_requests_in_flight"] == "1")
        #expect(samples[#"ipvs_exporter_http_refusals_total{reason="body_too_large"}"#] == "1")
        #expect(samples[#"ipvs_exporter_http_refusals_total{reason="max_requests"}"#] == "0")
        #expect(samples.keys.filter { $0.hasPrefix("ipvs_exporter_http_refusals_total{") }.count == 6)
    }

    /// node_exporter's --collector.disable-defaults: only the collectors named run.
    @Test func disableDefaultsRunsOnlyTheNamedCollectors() async throws {
        let (process, port) = try await Self.start(
            Self.fixtureArguments + ["--collector.disable-defaults", "--collector.backends", "--collector.sysctls"])
        defer { process.stop() }
        let body = try await Processes.shell("curl -sf http://127.0.0.1:\(port)/metrics").stdout
        let reporting = body.split(separator: "\n").filter { $0.hasPrefix("ipvs_scrape_collector_success{") }
        #expect(
            reporting == [
                #"ipvs_scrape_collector_success{collector="backends"} 1"#,
                #"ipvs_scrape_collector_success{collector="sysctls"} 1"#,
            ], "\(reporting)")
        #expect(body.contains("ipvs_backend_weight{") && !body.contains("ipvs_service_info{"))
    }

    /// On a host without IPVS (this one: no ip_vs module; an empty /proc tree stands in where a
    /// kernel has it), nothing is claimed: no source is named, every collector that reads IPVS
    /// fails, and the landing page says the last scrape could not read it.
    @Test func withoutIPVSNothingIsClaimed() async throws {
        let emptyProc = try Fixtures.temporaryDirectory("no-ipvs-proc")
        let arguments =
            FileManager.default.fileExists(atPath: "/proc/net/ip_vs")
            ? ["--path.procfs", emptyProc, "--ipvs.source", "procfs"] : []
        let (process, port) = try await Self.start(arguments)
        defer { process.stop() }
        let body = try await Processes.shell("curl -s http://127.0.0.1:\(port)/metrics").stdout
        #expect(body.contains("ipvs_up 0"), "\(body.prefix(2000))")
        #expect(!body.contains("ipvs_exporter_source_info{"), "no source was read from")
        for collector in ["backends", "services", "stats", "timeouts", "sync_daemons"] {
            #expect(
                !body.contains("ipvs_scrape_collector_success{collector=\"\(collector)\"} 1"), "\(collector) claims success")
        }
        let page = try await Processes.shell("curl -s http://127.0.0.1:\(port)/").stdout
        #expect(page.contains("the last scrape could not read it"), "\(page)")
    }

    /// `--netlink.replay` serves a recording as netlink mode would have served the kernel: the
    /// sync daemon, timeouts and 64-bit counters ipvsadm showed in the lab at that moment.
    @Test func replaysARecordedNetlinkDump() async throws {
        let (process, port) = try await Self.start(
            Self.fixtureArguments + ["--netlink.replay", Fixtures.path("lab/netlink/sync-daemon-master")])
        defer { process.stop() }
        let body = try await Processes.shell("curl -sf http://127.0.0.1:\(port)/metrics").stdout
        let daemon = try Fixtures.text("lab/netlink/sync-daemon-master/before/daemon.txt")
        #expect(daemon.hasPrefix("master sync daemon (mcast=d-bk, syncid=7,"), "\(daemon)")
        #expect(body.contains(#"ipvs_sync_daemon_info{state="master",interface="d-bk",syncid="7"} 1"#))
        // How the daemon talks, as ipvsadm printed it in the lab: "maxlen=1472, group=…, port=…, ttl=…".
        func setting(_ name: String) -> String? {
            daemon.split(whereSeparator: { $0 == " " || $0 == "," || $0 == ")" || $0 == "\n" })
                .first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
        }
        let daemonLabels = #"{state="master",interface="d-bk",syncid="7""#
        let group = try #require(setting("group"))
        #expect(body.contains("ipvs_sync_daemon_group_info" + daemonLabels + #",group="\#(group)"} 1"#), "\(body)")
        for (family, name) in [
            ("ipvs_sync_daemon_port", "port"), ("ipvs_sync_daemon_ttl", "ttl"), ("ipvs_sync_daemon_max_message_bytes", "maxlen"),
        ] {
            let value = try #require(setting(name))
            #expect(body.contains(family + daemonLabels + "} " + value + "\n"), "\(family) should be \(value)")
        }
        #expect(body.contains(#"ipvs_exporter_source_info{source="netlink"} 1"#))
        #expect(body.contains(#"ipvs_timeout_seconds{protocol="tcpfin"} 120"#))
        #expect(process.log.contains { $0.contains("serving recorded netlink replies") && $0.contains("level=warn") })

        let missing = try await Processes.run(
            Self.exporter, ["--web.listen-address", "127.0.0.1:0", "--netlink.replay", "/nonexistent"])
        #expect(missing.status == 1)
        #expect(missing.stderr.contains("/nonexistent") && missing.stderr.contains("no such directory"), "\(missing.stderr)")
    }

    /// Tunnelling real servers' encapsulation, as ipvsadm showed it in the lab (TunnelInfo
    /// column: ipip, no port, no checksum option).
    @Test func replayShowsTunnelSettings() async throws {
        let (process, port) = try await Self.start(
            Self.fixtureArguments + ["--netlink.replay", Fixtures.path("lab/netlink/tun-sh-main")])
        defer { process.stop() }
        let body = try await Processes.shell("curl -sf http://127.0.0.1:\(port)/metrics").stdout
        let ipvsadm = try Fixtures.text("lab/netlink/tun-sh-main/before/tun.txt")
        let tunnels = ipvsadm.split(separator: "\n").filter { $0.contains("Tunnel ") }
        #expect(tunnels.count == 2 && tunnels.allSatisfy { $0.contains(" ipip ") }, "\(ipvsadm)")
        let lines = body.split(separator: "\n").filter { $0.hasPrefix("ipvs_backend_tunnel_info{") }
        #expect(lines.count == tunnels.count, "\(lines)")
        #expect(lines.allSatisfy { $0.hasSuffix(#"tunnel_type="ipip",tunnel_port="0",tunnel_checksum="none"} 1"#) }, "\(lines)")
    }

    @Test func versionNamesTheRevision() async throws {
        let result = try await Processes.run(Self.exporter, ["--version"])
        #expect(result.status == 0)
        let version = try String(contentsOfFile: Fixtures.packageRoot + "/VERSION", encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        // prometheus/common's layout, which operators' scripts and bug templates read.
        let lines = result.stdout.split(separator: "\n").map(String.init)
        let revision = try await Processes.shell("git -C '\(Fixtures.packageRoot)' rev-parse --short=12 HEAD").stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(lines.first?.hasPrefix("ipvs_exporter, version \(version) (branch: ") == true, "\(result.stdout)")
        #expect(lines.first?.contains("revision: \(revision)") == true, "\(result.stdout)")
        #expect(
            lines.dropFirst().map { $0.prefix(20) } == ["  build date:       ", "  swift version:    ", "  platform:         "])
        #expect(lines.last == "  platform:         linux/amd64")
    }

    /// A chroot or a bare container without /proc: the runtime reads argv from
    /// /proc/self/cmdline, so the flags vanished and `--version` started a server on :9911.
    @Test(.enabled(if: getuid() == 0 && Processes.which("unshare") != nil))
    func withoutProcSaysSoInsteadOfDroppingTheFlags() async throws {
        // An empty tmpfs over /proc in a mount namespace of its own; `timeout` ends a server
        // that would have started anyway.
        let result = try await Processes.run(
            "/usr/bin/unshare",
            [
                "-m", "--propagation", "private", "/bin/sh", "-c",
                "mount -t tmpfs none /proc && exec timeout 10 \"$0\" --version", Self.exporter,
            ])
        #expect(result.status == 1, "\(result.stdout) \(result.stderr)")
        #expect(result.stderr.contains("/proc is not mounted"), "\(result.stderr)")
        #expect(!result.stdout.contains("ipvs_exporter"), "\(result.stdout)")
    }

    @Test func portInUseIsAClearError() async throws {
        let (first, port) = try await Self.start(Self.fixtureArguments)
        defer { first.stop() }
        let second = try RunningProcess(Self.exporter, ["--web.listen-address", "127.0.0.1:\(port)"] + Self.fixtureArguments)
        await #expect(second.waitForExit(timeout: 10) == 1)
        // The address and the reason in words, not NIO's internal call.
        let line = second.log.first { $0.contains("cannot listen") && $0.contains("level=error") }
        #expect(line?.contains("address=127.0.0.1:\(port)") == true, "\(second.log)")
        #expect(line?.contains("error=\"address already in use: another process") == true, "\(second.log)")
        #expect(line?.contains("bind(descriptor") == false, "\(second.log)")
    }

    @Test func addressNotOnThisHostIsAClearError() async throws {
        // 192.0.2.0/24 is TEST-NET-1: no interface of the test machine has it.
        let run = try RunningProcess(Self.exporter, ["--web.listen-address", "192.0.2.1:9911"] + Self.fixtureArguments)
        await #expect(run.waitForExit(timeout: 10) == 1)
        let line = run.log.first { $0.contains("cannot listen") }
        #expect(line?.contains("address=192.0.2.1:9911") == true, "\(run.log)")
        #expect(line?.contains("no interface of this host has that address") == true, "\(run.log)")
    }
}

/// Operators run the exporter without root. Found in the kernel lab: TCP_NODELAY was set at the
/// SOL_SOCKET level, where option 1 is SO_DEBUG, which only root may set, so every connection
/// of an unprivileged exporter was dropped.
@Suite(.serialized) struct UnprivilegedExporterTests {
    @Test(.enabled(if: getuid() == 0 && Processes.which("setpriv") != nil))
    func servesAsNobodyWithoutCapabilities() async throws {
        let directory = try Fixtures.temporaryDirectory("unprivileged")
        let binary = directory + "/ipvs_exporter"
        try FileManager.default.copyItem(atPath: Processes.exporterBinary, toPath: binary)
        // nobody must be able to reach the binary and the fixture tree.
        for path in [directory, binary] { chmod(path, 0o755) }
        let process = try RunningProcess(
            Processes.which("setpriv")!,
            [
                "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--inh-caps=-all", binary,
                "--web.listen-address", "127.0.0.1:0", "--ipvs.source", "procfs", "--path.procfs", Fixtures.labProc,
            ])
        defer { process.stop() }
        let port = try await process.listeningPort()
        let result = try await Processes.run("/usr/bin/curl", ["-sf", "--max-time", "10", "http://127.0.0.1:\(port)/metrics"])
        #expect(result.status == 0, "curl: \(result.stderr)\nlog:\n\(process.log.joined(separator: "\n"))")
        #expect(result.stdout.contains("\nipvs_up 1\n"))
    }
}
