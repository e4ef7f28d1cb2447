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
    func systemdAnalyzeVerifyIsClean() throws {
        let result = try Processes.run(Processes.which("systemd-analyze") ?? "/usr/bin/systemd-analyze", ["verify", try Self.unitForVerify()])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.isEmpty && result.stderr.isEmpty, "systemd has remarks: \(result.stdout)\(result.stderr)")
    }

    /// systemd's own exposure score (0 safest, 10 worst); 2.0 or below is its "OK".
    @Test(.enabled(if: Processes.shouldRun(needing: "systemd-analyze")))
    func exposureIsLow() throws {
        let result = try Processes.run(
            Processes.which("systemd-analyze") ?? "/usr/bin/systemd-analyze", ["security", "--offline=yes", "--no-pager", try Self.unitForVerify()])
        let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("Overall exposure level") }, "\(result.stdout)\(result.stderr)")
        let score = try #require(line.split(separator: ":").last?.split(separator: " ").first.flatMap { Double($0) }, "\(line)")
        #expect(score <= 2.0, "\(line)")
    }

    @Test func keepsLeastPrivilege() throws {
        let lines = Set(try String(contentsOfFile: Self.unit, encoding: .utf8).split(separator: "\n").map(String.init))
        for setting in [
            "DynamicUser=yes", "AmbientCapabilities=CAP_NET_ADMIN", "CapabilityBoundingSet=CAP_NET_ADMIN", "NoNewPrivileges=yes",
            "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "RestrictAddressFamilies=AF_NETLINK AF_INET AF_INET6 AF_UNIX",
        ] {
            #expect(lines.contains(setting), "\(setting) missing")
        }
    }
}
