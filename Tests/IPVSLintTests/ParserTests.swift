import IPVSKernel
import IPVSLint
import IPVSModel
import Testing

/// What the parsers read from each construct of their grammars. Captures of real tools are
/// covered by CaptureParsingTests; these are the forms a hand-written file uses.
@Suite struct ParserTests {
    static func ipvsadm(_ text: String, names: ServiceNames = .none) throws -> IPVSConfiguration {
        try IPVSAdmRulesParser.parse(SourceFile(name: "rules", text: text), serviceNames: names)
    }

    static func iptables(_ text: String, family: IPAddress.Family = .ipv4) throws -> IPTablesRuleset {
        try IPTablesSaveParser.parse(SourceFile(name: "fw", text: text), family: family)
    }

    // MARK: ipvsadm

    @Test func longOptionsAndAttachedValuesMeanTheSame() async throws {
        let short = try Self.ipvsadm(
            "-A -t 10.0.0.1:80 -s wrr -p 60 -M 255.255.255.0\n-a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 3 -x 100 -y 50\n")
        let long = try Self.ipvsadm(
            """
            ipvsadm --add-service --tcp-service=10.0.0.1:80 --scheduler wrr --persistent=60 --netmask 255.255.255.0
            ipvsadm --add-server --tcp-service 10.0.0.1:80 --real-server=10.0.0.2:80 --masquerading --weight=3 --u-threshold 100 --l-threshold 50

            """)
        for configuration in [short, long] {
            let service = try #require(configuration.services.first)
            #expect(
                service.effectiveScheduler == "wrr" && service.persistence?.value == 60
                    && service.netmask?.value.description == "255.255.255.0")
            let server = try #require(service.realServers.first)
            #expect(server.forwarding == .masquerading && server.weightValue == 3)
            #expect(server.upperThreshold?.value == 100 && server.lowerThreshold?.value == 50)
        }
    }

    @Test func serviceNamesIPv6FirewallMarksAndDefaults() async throws {
        let names = ServiceNames(etcServices: "http 80/tcp www\ndomain 53/udp\n")
        let configuration = try Self.ipvsadm(
            """
            # comments and blank lines are fine

            -A -t 10.0.0.1:http -s rr   # trailing comment
            -a -t 10.0.0.1:www -r 10.0.0.2
            -A -u [2001:db8::1]:domain -s sh -b sh-fallback,sh-port -o
            -a -u [2001:db8::1]:53 -r [2001:db8::2]:53 -i --tun-type gue --tun-port 6080 --tun-nocsum -w 2
            -A -f 7 -6 -s lc -p
            -A --sctp-service 10.0.0.9:9999 --pe sip -p 30
            -A -t 10.0.0.3:81 ops

            """, names: names)
        let http = configuration.services[0]
        #expect(http.identity.objectKey == "svc=tcp/10.0.0.1:80")
        #expect(http.realServers.count == 1, "www resolves to the same port as http")
        let server = http.realServers[0]
        #expect(server.forwarding == .directRouting, "-g is ipvsadm's default")
        #expect(server.weightValue == 1 && server.writtenPort == nil && server.effectivePort?.number == 80)
        let dns = configuration.services[1]
        #expect(dns.identity.family == .ipv6 && dns.identity.port?.number == 53)
        #expect(dns.schedulerFlags?.value == ["sh-fallback", "sh-port"] && dns.onePacket != nil)
        let tunnel = try #require(dns.realServers.first)
        #expect(
            tunnel.tunnelType?.value == "gue" && tunnel.tunnelPort?.value == 6080
                && tunnel.tunnelChecksum?.value == "--tun-nocsum")
        let mark = configuration.services[2]
        #expect(mark.identity == .firewallMark(7, ipv6: true))
        #expect(mark.persistence?.value == 360, "-p without a value is ipvsadm's 360 s")
        #expect(configuration.services[3].persistenceEngine?.value == "sip" && configuration.services[3].identity.proto == .sctp)
        #expect(configuration.services[4].legacyOps != nil || configuration.services[4].onePacket != nil)
        #expect(!configuration.names.isEmpty, "service names are recorded")
    }

    @Test func restoreSemanticsEditDeleteClear() async throws {
        let configuration = try Self.ipvsadm(
            """
            -A -t 10.0.0.1:80 -s rr
            -a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1
            -a -t 10.0.0.1:80 -r 10.0.0.3:80 -m -w 1
            -e -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 5
            -d -t 10.0.0.1:80 -r 10.0.0.3:80
            -E -t 10.0.0.1:80 -s wlc -p 120
            -A -t 10.0.0.4:80 -s rr
            -D -t 10.0.0.4:80
            -A -t 10.0.0.5:80
            -C
            -A -t 10.0.0.6:80 -s rr
            -a -t 10.0.0.6:80 -r 10.0.0.7:80 -g
            -A -t 10.0.0.1:80 -s rr
            -a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1
            -a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 2
            -a -t 10.0.0.8:80 -r 10.0.0.2:80
            --set 900 120 300

            """)
        #expect(
            configuration.services.map(\.identity.description) == ["TCP 10.0.0.6:80", "TCP 10.0.0.1:80"],
            "-C clears what came before")
        #expect(configuration.duplicateRealServers.count == 1)
        #expect(configuration.orphanRealServers.map(\.1.location.line) == [16])
        #expect(configuration.timeoutSettings.first?.value == [900, 120, 300])
        let before = try Self.ipvsadm(
            """
            -A -t 10.0.0.1:80 -s rr
            -a -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 1
            -a -t 10.0.0.1:80 -r 10.0.0.3:80 -m -w 1
            -e -t 10.0.0.1:80 -r 10.0.0.2:80 -m -w 5
            -d -t 10.0.0.1:80 -r 10.0.0.3:80
            -E -t 10.0.0.1:80 -s wlc -p 120

            """)
        let service = try #require(before.services.first)
        #expect(service.effectiveScheduler == "wlc" && service.persistence?.value == 120)
        #expect(service.realServers.map { "\($0.address) \($0.weightValue)" } == ["10.0.0.2 5"])
    }

    /// DR and TUN real servers get the service's port whatever is written (ipvsadm rewrites it);
    /// NAT keeps its own; fwmark services keep what was written.
    @Test func effectivePorts() async throws {
        let configuration = try Self.ipvsadm(
            """
            -A -t 10.0.0.1:80 -s rr
            -a -t 10.0.0.1:80 -r 10.0.0.2:8080 -g
            -a -t 10.0.0.1:80 -r 10.0.0.3:8080 -i
            -a -t 10.0.0.1:80 -r 10.0.0.4:8080 -m
            -A -f 3 -s rr
            -a -f 3 -r 10.0.0.5:0 -g

            """)
        #expect(configuration.services[0].realServers.map { $0.effectivePort?.number } == [80, 80, 8080])
        #expect(configuration.services[1].realServers[0].effectivePort?.number == 0)
    }

    // MARK: iptables-save

    static let head =
        "*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n"

    @Test(arguments: [
        ("--set-xmark 0x6/0xffffffff", 6, 0xffff_ffff, true),
        ("--set-mark 6", 6, 0xffff_ffff, true),
        ("--set-mark 0x6/0xff", 6, 0xff, false),
        ("--or-mark 0x6", 6, 6, false),
        ("--and-mark 0xff", 0, 0xffff_ff00, false),
        ("--xor-mark 0x6", 6, 0, false),
    ])
    func markForms(_ written: String, _ value: UInt32, _ mask: UInt32, _ whole: Bool) throws {
        let ruleset = try Self.iptables(Self.head + "-A PREROUTING -d 10.0.0.1/32 -j MARK \(written)\nCOMMIT\n")
        let operation = try #require(ruleset.table("mangle")?.rules.first?.markOperation)
        #expect(operation.value == value && operation.mask == mask, "\(operation)")
        #expect(operation.setsWholeMark == whole)
    }

    @Test func matchesQuotingCountersAndChains() async throws {
        let ruleset = try Self.iptables(
            """
            # Warning: iptables-legacy tables present, use iptables-legacy-save to see them
            # Generated by iptables-save v1.8.9 (nf_tables) on Sat Nov 21 19:25:36 2026
            *filter
            :INPUT DROP [12:3456]
            :FORWARD ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :LVS-IN - [0:0]
            [5:300] -A INPUT -i eth0 -p tcp -m multiport --dports 80,443,8000:8100 -m comment --comment "web \\"front\\" it's" -j LVS-IN
            -A INPUT ! -s 192.168.0.0/16 -m conntrack --ctstate NEW,ESTABLISHED -m mark ! --mark 0x4/0xff -j ACCEPT
            -A LVS-IN -d 10.0.0.1/32 -p tcp -m tcp --dport 80 -j ACCEPT
            -I INPUT 1 -i lo -j ACCEPT
            COMMIT
            *nat
            :PREROUTING ACCEPT [0:0]
            :INPUT ACCEPT [0:0]
            :OUTPUT ACCEPT [0:0]
            :POSTROUTING ACCEPT [0:0]
            -N KUBE-SVC
            -P POSTROUTING ACCEPT
            -A PREROUTING -d 10.0.0.2/32 -p tcp --dport 80 -g KUBE-SVC
            -A KUBE-SVC -j DNAT --to-destination 10.9.9.9:8080
            COMMIT

            """)
        #expect(ruleset.legacyTablesWarning?.line == 1)
        let filter = try #require(ruleset.table("filter"))
        #expect(filter.chain("INPUT")?.policy == "DROP" && filter.chain("LVS-IN")?.policy == nil)
        #expect(filter.rules(in: "INPUT").map(\.location.line) == [11, 8, 9], "-I INPUT 1 goes first")
        let web = filter.rules(in: "INPUT")[1]
        #expect(web.inInterface?.name == "eth0" && web.target == "LVS-IN")
        #expect(web.destinationPorts?.contains(8050) == true && web.destinationPorts?.contains(8101) == false)
        #expect(web.match("comment")?.options.first?.values == ["web \"front\" it's"])
        let stateful = filter.rules(in: "INPUT")[2]
        #expect(stateful.source?.negated == true && stateful.match("conntrack") != nil)
        #expect(stateful.match("mark")?.options.first?.negated == true)
        #expect(filter.builtinChains(reaching: "LVS-IN") == ["INPUT"])
        let nat = try #require(ruleset.table("nat"))
        #expect(nat.rules(in: "PREROUTING").first?.isGoto == true)
        #expect(nat.builtinChains(reaching: "KUBE-SVC") == ["PREROUTING"])
    }

    /// iptables parses every option of every loaded match in one pass, so hand-written restore
    /// files (kube-proxy's among them) put them in any order; each form below is accepted by
    /// `iptables-restore --test` and means what the canonical `-p tcp -m tcp --dport 80` means.
    @Test(arguments: [
        "-A PREROUTING -m tcp -p tcp -d 10.0.0.1 --dport 80 -j ACCEPT",
        "-A PREROUTING -p tcp -d 10.0.0.1 --dport 80 -j ACCEPT",
        "-A PREROUTING -p tcp -m tcp -m comment --comment web -d 10.0.0.1 --dport 80 -j ACCEPT",
        "-A PREROUTING -d 10.0.0.1/32 -m comment --comment \"web\" -p tcp -m tcp --dport 80 -j ACCEPT",
    ])
    func optionsFindTheirMatchInAnyOrder(_ line: String) async throws {
        let ruleset = try Self.iptables("*mangle\n\(line)\nCOMMIT\n")
        let rule = try #require(ruleset.table("mangle")?.rules.first)
        #expect(rule.destinationPorts?.contains(80) == true && rule.destinationPorts?.contains(81) == false)
        #expect(rule.match("tcp")?.options.map(\.name) == ["dport"])
        #expect(rule.destination?.text.hasPrefix("10.0.0.1") == true)
    }

    /// `-4` and `-6` mark the rules of a file shared by iptables-restore and ip6tables-restore:
    /// each skips the other family's (checked with iptables 1.8.9: both accept this file).
    @Test func familyMarkedRulesAreSkippedByTheOtherFamily() async throws {
        let text = "*filter\n-6 -A INPUT -s 2001:db8::1 -j ACCEPT\n-A INPUT -4 -s 10.0.0.1 -j ACCEPT\nCOMMIT\n"
        let v4 = try #require(try Self.iptables(text).table("filter")?.rules)
        let v6 = try #require(try Self.iptables(text, family: .ipv6).table("filter")?.rules)
        #expect(v4.map(\.location.line) == [3] && v6.map(\.location.line) == [2])
    }

    /// The old `-d ! ADDRESS` and `--dport ! 80` negations: iptables 1.8.9's iptables-restore
    /// refuses them ("Bad argument", "invalid port/service `!'"), so the linter does too,
    /// saying where the "!" goes.
    @Test(arguments: [
        ("-A POSTROUTING -s 192.168.122.0/24 -d ! 192.168.122.0/24 -j MASQUERADE", 39),
        ("-A PREROUTING -i ! eth0 -j ACCEPT", 18),
        ("-A PREROUTING -p tcp --dport ! 22 -j ACCEPT", 30),
    ])
    func intrapositionedNegationIsRefusedWithWhereTheBangGoes(_ line: String, _ column: Int) async throws {
        #expect {
            _ = try Self.iptables("*nat\n\(line)\nCOMMIT\n")
        } throws: { error in
            guard let error = error as? LintInputError else { return false }
            return error.location.line == 2 && error.location.column == column && error.expected.contains("not after it")
        }
    }

    // MARK: sysctl and timeouts

    @Test func sysctlSyntaxes() async throws {
        let set = try SysctlParser.parse(
            SourceFile(
                name: "s",
                text: """
                    # sysctl.d
                    ; also a comment
                    net.ipv4.ip_forward = 1
                    net.ipv4.conf.all.arp_ignore=1
                    -net.ipv4.conf.eth0.arp_announce = 2
                    net/ipv4/conf/eth0.100/rp_filter = 2
                    net.ipv4.vs.sync_threshold = 3	50
                    net.ipv4.ip_forward = 0

                    """), host: "10.0.0.11")
        #expect(set.host == "10.0.0.11")
        #expect(set.integer("net.ipv4.ip_forward") == 0, "a later line wins, as with sysctl -p")
        #expect(set.value("net.ipv4.ip_forward")?.location.line == 8)
        #expect(set.integer("net.ipv4.conf.all.arp_ignore") == 1)
        #expect(set.integer("net.ipv4.conf.eth0.arp_announce") == 2)
        #expect(set.integer("net.ipv4.conf.eth0/100.rp_filter") == 2, "slash form, VLAN dot kept as /")
        #expect(set.value("net.ipv4.vs.sync_threshold")?.value == "3\t50")
        #expect(set.interfaces == ["eth0", "eth0/100"])
    }

    @Test func timeoutsFromIPVSAdmAndCommandLine() async throws {
        let file = try TimeoutsParser.parse(SourceFile(name: "t", text: "Timeout (tcp tcpfin udp): 900 120 300\n"))
        let line = try TimeoutsParser.parse(commandLine: "7200,60,30")
        #expect([file.tcp.value, file.tcpFin.value, file.udp.value] == [900, 120, 300])
        #expect([line.tcp.value, line.tcpFin.value, line.udp.value] == [7200, 60, 30])
        #expect(file.tcpFin.location.column == 26)
    }
}
