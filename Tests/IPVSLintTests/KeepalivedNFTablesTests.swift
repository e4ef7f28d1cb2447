import Foundation
import IPVSModel
import IPVSTestSupport
import Testing

@testable import IPVSLint

/// keepalived's `nftables_ipvs` (keepalived/check/check_nftables.c, ipvswrapper.c): each
/// `virtual_server group` whose group has no fwmark becomes one firewall-mark service per
/// protocol, whose mark keepalived sets itself in its own nftables table.
@Suite struct KeepalivedNFTablesTests {
    static func configuration(_ globals: String) -> String {
        """
        global_defs {
        \(globals)
        }
        virtual_server_group WEB {
            192.0.2.10 80
            192.0.2.11-12 443
            2001:db8::10 80
        }
        virtual_server_group DNS {
            192.0.2.20 53
        }
        virtual_server_group MARKED {
            fwmark 7
        }
        virtual_server group WEB {
            protocol TCP
            lb_algo rr
            lb_kind DR
            real_server 10.0.0.11 80 {
            }
        }
        virtual_server group DNS {
            protocol UDP
            lb_algo rr
            lb_kind NAT
            real_server 10.0.0.12 53 {
            }
        }
        virtual_server group DNS {
            protocol TCP
            lb_algo rr
            lb_kind NAT
            real_server 10.0.0.12 53 {
            }
        }
        virtual_server group MARKED {
            lb_algo rr
            lb_kind NAT
            real_server 10.0.0.13 80 {
            }
        }
        virtual_server 192.0.2.30 80 {
            protocol TCP
            lb_algo rr
            lb_kind NAT
            real_server 10.0.0.14 80 {
            }
        }

        """
    }

    static func parse(_ text: String) throws -> IPVSConfiguration {
        let file = SourceFile(name: "keepalived.conf", text: text)
        return try KeepalivedParser.parse(
            file, configID: "lb1", load: { _ throws(LintInputError) in file }, expand: { [$0] }
        ).0
    }

    @Test func groupsBecomeMarkedServicesInOrder() throws {
        let configuration = try Self.parse(Self.configuration("    nftables_ipvs"))
        #expect(
            configuration.services.map(\.identity.description) == [
                "FWM 1000", "FWM 1000 IPv6", "FWM 1001", "FWM 1002", "FWM 7", "TCP 192.0.2.30:80",
            ])
        // DR real servers of a marked service get port 0 from keepalived: no LVS202.
        #expect(configuration.services[0].realServers.first?.writtenPort == nil)
        #expect(configuration.services[2].realServers.first?.writtenPort?.number == 53)
        #expect(
            configuration.keepalivedMarks.map { "\($0.mark) \($0.family) \($0.table) \($0.priority)" } == [
                "1000 IPv4 keepalived_ipvs -1", "1000 IPv6 keepalived_ipvs -1", "1001 IPv4 keepalived_ipvs -1",
                "1002 IPv4 keepalived_ipvs -1",
            ])
        let custom = try Self.parse(
            Self.configuration("    nftables_ipvs lvs\n    nftables_ipvs_priority 100\n    nftables_ipvs_start_fwmark 5000"))
        #expect(custom.keepalivedMarks.map { "\($0.mark) \($0.table) \($0.priority)" }.first == "5000 lvs 100")
        // Without nftables_ipvs a group is one service per address and port.
        let plain = try Self.parse(Self.configuration(""))
        #expect(plain.services.count == 8 && plain.keepalivedMarks.isEmpty)
    }

    /// keepalived itself accepts the configuration (keepalived --config-test).
    @Test(.enabled(if: Processes.which("keepalived") != nil))
    func keepalivedAcceptsTheConfiguration() async throws {
        let directory = try Fixtures.temporaryDirectory("keepalived-nft")
        let path = directory + "/keepalived.conf"
        try Self.configuration("    nftables_ipvs\n    nftables_ipvs_priority 100").write(
            toFile: path, atomically: true, encoding: .utf8)
        let check = try await Processes.run(Processes.which("keepalived")!, ["-f", path, "--config-test"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    static func lint(_ globals: String) throws -> [Finding] {
        var set = InputSet()
        try set.add(SourceFile(name: "keepalived.conf", text: Self.configuration(globals)), as: .keepalived)
        // The director's iptables: a mangle table, and the mark of the fwmark 7 group.
        try set.add(
            SourceFile(
                name: "iptables.save",
                text:
                    "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -d 192.0.2.40/32 -j MARK --set-xmark 0x7/0xffffffff\nCOMMIT\n"
            ),
            as: .iptables)
        return set.lint().findings.filter { $0.ruleID.hasPrefix("LVS5") }
    }

    /// --keepalived with a firewall that has no rule for keepalived's marks: they are not missing.
    @Test func keepalivedsOwnMarksAreNotMissing() throws {
        #expect(try Self.lint("    nftables_ipvs").isEmpty)
        // At priority 99 or later its table marks after IPVS has looked.
        let late = try Self.lint("    nftables_ipvs\n    nftables_ipvs_priority 100")
        #expect(Set(late.map(\.ruleID)) == ["LVS502"])
        // The IPv6 service of WEB needs --ip6tables or --nftables to be checked.
        #expect(late.count == 3)
        #expect(late.first?.message.contains("keepalived's nftables table ip keepalived_ipvs at input priority 100") == true)
        #expect(late.first?.message.contains("give nftables_ipvs_priority a value below 99") == true)
    }
}
