import IPVSModel
import IPVSTestSupport
import Testing

@testable import IPVSLint

/// keepalived.conf read into the ipvsadm model: what each keyword becomes.
@Suite struct KeepalivedParserTests {
    static func parse(_ text: String, includes: [String: String] = [:], configID: String = "lb1") throws(LintInputError)
        -> IPVSConfiguration
    {
        let file = SourceFile(name: "/etc/keepalived/keepalived.conf", text: text)
        return try KeepalivedParser.parse(
            file, configID: configID,
            load: { path throws(LintInputError) in
                path == file.name ? file : includes[path].map { SourceFile(name: path, text: $0) }
            },
            expand: { pattern in pattern.hasSuffix("*.conf") ? includes.keys.filter { $0.hasSuffix(".conf") }.sorted() : [pattern]
            }
        ).0
    }

    @Test func serviceSettingsBecomeTheModel() async throws {
        let configuration = try Self.parse(
            """
            virtual_server 10.0.0.1 53 {
                lvs_sched sh
                sh-port
                sh-fallback
                lb_kind TUN
                protocol UDP
                persistence_timeout 60
                persistence_granularity 255.255.255.0
                ops
                real_server 192.168.1.1 53 {
                    weight 4
                    uthreshold 100
                    lthreshold 10
                    MISC_CHECK {
                        misc_path "/usr/local/bin/check dns"
                    }
                }
                real_server 192.168.1.2 53 {
                    lvs_method DR
                }
            }
            """)
        let service = try #require(configuration.services.first)
        #expect(service.identity.description == "UDP 10.0.0.1:53")
        #expect(service.scheduler?.value == "sh")
        #expect(service.schedulerFlags?.value == ["sh-port", "sh-fallback"])
        #expect(service.persistence?.value == 60)
        #expect(service.netmask?.value.description == "255.255.255.0")
        #expect(service.onePacket?.line == 9)
        #expect(service.realServers.count == 2)
        let first = service.realServers[0]
        #expect(first.forwarding == .tunneling && first.weightValue == 4)
        #expect(first.upperThreshold?.value == 100 && first.lowerThreshold?.value == 10)
        #expect(first.location.line == 10 && first.addressLocation.column == 17)
        #expect(service.realServers[1].forwarding == .directRouting && service.realServers[1].weightValue == 1)
    }

    /// Nesting is bounded, not left to the stack: 100,000 nested blocks (a crash with SIGSEGV
    /// once) are an error at the first `{` past the bound.
    @Test func deepNestingIsAnErrorNotACrash() async throws {
        let depth = 100_000
        let text =
            "virtual_server 10.0.0.1 80 {\n" + String(repeating: "a {\n", count: depth)
            + String(repeating: "}\n", count: depth + 1)
        let error = #expect(throws: LintInputError.self) { try Self.parse(text) }
        #expect(error?.location.line == KeepalivedParser.StatementBuilder.maximumDepth + 1)
        #expect(error?.location.column == 3)
        #expect(error?.expected == "blocks nested at most \(KeepalivedParser.StatementBuilder.maximumDepth) deep")
        // At the bound itself the blocks are read; what fails is the unknown keyword "a".
        let limit = KeepalivedParser.StatementBuilder.maximumDepth - 1
        let deepest =
            "virtual_server 10.0.0.1 80 {\n" + String(repeating: "a {\n", count: limit)
            + String(repeating: "}\n", count: limit + 1)
        let unknown = #expect(throws: LintInputError.self) { try Self.parse(deepest) }
        #expect(unknown?.location.line == 2 && unknown?.found == "\"a\"")
    }

    @Test func defaultsAreKeepalivedsNotIPVSAdms() async throws {
        // keepalived's default method is NAT (ipvsadm's is DR); without `protocol` it loads a
        // UDP service (check_data.c, since 1.3.6), and port 0 makes it persistent.
        let service = try #require(
            try Self.parse("virtual_server 10.0.0.1 80 {\n real_server 192.168.1.1 80 {\n }\n}\n").services.first)
        #expect(service.realServers.first?.forwarding == .masquerading)
        #expect(service.identity.proto == .udp)
        #expect(service.keepalivedCorrections == [.noProtocolMeansUDP])
        let zero = try #require(
            try Self.parse("virtual_server 10.0.0.1 0 {\n protocol TCP\n real_server 192.168.1.1 {\n }\n}\n").services.first)
        #expect(zero.keepalivedCorrections == [.zeroPortMadePersistent])
        #expect(zero.persistence?.value == 360)
    }

    @Test func groupsAndMarks() async throws {
        let configuration = try Self.parse(
            """
            virtual_server_group G {
                10.0.0.1-3 80
                fwmark 7
            }
            virtual_server group G {
                lb_kind DR
                real_server 192.168.1.1 80 {
                }
            }
            virtual_server fwmark 9 {
                ip_family inet6
                real_server 2001:db8::1 {
                }
            }
            """)
        #expect(
            configuration.services.map(\.identity.description) == [
                "UDP 10.0.0.1:80", "UDP 10.0.0.2:80", "UDP 10.0.0.3:80", "FWM 7", "FWM 9 IPv6",
            ])
        #expect(configuration.services[0].identityLocation.line == 2)
        #expect(configuration.services[4].realServers.first?.writtenPort == nil)
    }

    /// The forms keepalived 2.2.7 accepts beyond the classic ones, each checked with
    /// `keepalived --config-test` when written.
    @Test func groupRangesBlocksMarkFamiliesTunnelsAndTimeouts() async throws {
        let configuration = try Self.parse(
            """
            net_namespace blue
            global_defs {
                lvs_timeouts tcp 7200 udp 30
            }
            virtual_server_group G {
                10.0.0.0/31 80
                10.0.0.8-10.0.0.9 443
                2001:db8::a-b 53
                10.0.0.20 0
                fwmark 7 inet6
            }
            virtual_server group G {
                lvs_method TUN type gue port 6080 csum
                real_server 10.1.0.1 {
                }
                real_server 10.1.0.2 {
                    lvs_method TUN type gre
                }
            }
            virtual_server fwmark 9 {
                real_server 2001:db8::5 80 {
                }
            }
            virtual_server 10.0.0.30 {
                persistence_timeout 60
            }
            """)
        #expect(
            configuration.services.map(\.identity.description) == [
                "UDP 10.0.0.0:80", "UDP 10.0.0.1:80", "UDP 10.0.0.8:443", "UDP 10.0.0.9:443", "UDP [2001:db8::a]:53",
                "UDP [2001:db8::b]:53", "UDP 10.0.0.20:0", "FWM 7 IPv6", "FWM 9 IPv6", "UDP 10.0.0.30:0",
            ])
        let servers = configuration.services[0].realServers
        #expect(servers.map(\.forwarding) == [.tunneling, .tunneling])
        #expect(servers[0].tunnelType?.value == "gue" && servers[0].tunnelPort?.value == 6080)
        #expect(servers[0].tunnelChecksum?.value == "--tun-csum")
        // A real server's own lvs_method starts again from no options, as keepalived's does.
        #expect(servers[1].tunnelType?.value == "gre" && servers[1].tunnelPort == nil)
        #expect(configuration.timeoutSettings.map(\.value) == [[7200, 0, 30]])
    }

    /// keepalived's lexical layer before the keywords: accepted by `keepalived --config-test
    /// -i lb1` and `-i lb2` alike, the two ids giving two different services.
    @Test(arguments: [("lb1", "TCP 10.0.0.1:80"), ("lb2", "TCP 10.0.0.1:81")])
    func definitionsConditionalsAndSequences(_ id: String, _ service: String) async throws {
        let configuration = try Self.parse(
            """
            $VIP=10.0.0.1
            @lb1 virtual_server $VIP 80 {
            @^lb1 virtual_server $VIP 81 {
                protocol TCP
                lb_algo rr
                lb_kind NAT
            ~SEQ(i, 1, 3) real_server 192.168.1.$i 80 { weight 1 }
            }
            """, configID: id)
        #expect(configuration.services.map(\.identity.description) == [service])
        let servers = try #require(configuration.services.first?.realServers)
        #expect(servers.map(\.addressText) == ["192.168.1.1:80", "192.168.1.2:80", "192.168.1.3:80"])
        // Each server is located at the ~SEQ line that made it.
        #expect(servers.map(\.location.line) == [7, 7, 7])
    }

    /// A /18 group makes 16,384 services; the ones written again elsewhere are duplicates of
    /// the group's line, the same address under another protocol or port is not, and real
    /// servers written twice are found in every one of them.
    @Test func bigGroupsFindTheirDuplicates() async throws {
        let text = """
            virtual_server_group edge {
                10.20.0.0/18 443
            }
            virtual_server group edge {
                protocol TCP
                real_server 192.168.1.11 443 {
                }
                real_server 192.168.1.11 443 {
                }
            }
            virtual_server 10.20.63.255 443 {
                protocol TCP
            }
            virtual_server 10.20.63.255 443 {
                protocol UDP
            }
            virtual_server 10.20.0.7 80 {
                protocol TCP
            }
            """
        let configuration = try Self.parse(text)
        #expect(configuration.services.count == 16_384 + 2)
        #expect(
            configuration.duplicateServices.map { "\($0.0.identity) @\($0.0.location.line) first \($0.first.line)" } == [
                "TCP 10.20.63.255:443 @11 first 4"
            ])
        #expect(configuration.duplicateRealServers.count == 16_384)
        #expect(
            Set(configuration.duplicateRealServers.map { "\($0.1.address) @\($0.1.location.line) first \($0.first.line)" }) == [
                "192.168.1.11 @8 first 6"
            ])
    }

    /// A DR real server written twice on two ports is one destination: keepalived resets both to
    /// the service port, as ipvsadm does, so LVS110 finds it as it does in an ipvsadm file. LVS204
    /// speaks keepalived's words on keepalived input.
    @Test func drServerOnTwoPortsIsADuplicateAndMessagesUseKeepalivedWords() async throws {
        let text = """
            virtual_server 10.0.0.1 80 {
                protocol TCP
                lb_kind DR
                real_server 10.0.1.1 80 {
                }
                real_server 10.0.1.1 8080 {
                }
                real_server 10.0.1.2 80 {
                    lvs_method NAT
                }
            }
            """
        let configuration = try Self.parse(text)
        #expect(configuration.duplicateRealServers.map(\.1.location.line) == [6])
        var set = InputSet()
        try set.add(SourceFile(name: "keepalived.conf", text: text), as: .keepalived)
        let findings = set.lint().findings
        #expect(findings.map(\.ruleID) == ["LVS204", "LVS110"])
        let mixed = try #require(findings.first)
        #expect(mixed.message.contains("(DR: 10.0.1.1:80; NAT: 10.0.1.2:80)") && mixed.message.contains("keepalived's default"))
        #expect(!mixed.message.contains("-g"))
    }

    /// keepalived.conf says what removes failed real servers: a checker without
    /// inhibit_on_failure makes the health-checker fact `keepalived`, and LVS603 runs on it.
    @Test(arguments: [("", "keepalived"), ("        inhibit_on_failure\n", nil), ("", nil)])
    func healthCheckersAreTheFactTheyAre(_ inhibit: String, _ fact: String?) async throws {
        let checker = fact == nil && inhibit.isEmpty ? "" : "        TCP_CHECK {\n            connect_timeout 3\n        }\n"
        let text =
            "virtual_server 10.0.0.1 80 {\n    protocol TCP\n    lb_kind DR\n    real_server 10.0.1.1 80 {\n"
            + inhibit + checker + "    }\n}\n"
        #expect(try Self.parse(text).healthChecker == fact)
        var set = InputSet()
        try set.add(SourceFile(name: "keepalived.conf", text: text), as: .keepalived)
        try set.add(SourceFile(name: "sysctl.conf", text: "net.ipv4.vs.expire_nodest_conn = 0\n"), as: .sysctl(host: nil))
        #expect(set.lint().findings.map(\.ruleID).contains("LVS603") == (fact != nil))
    }

    @Test func includesAreFollowedAndLocationsNameTheirFile() async throws {
        let configuration = try Self.parse(
            "global_defs {\n}\ninclude conf.d/*.conf\n",
            includes: ["/etc/keepalived/conf.d/a.conf": "virtual_server 10.0.0.9 80 {\n  real_server 192.168.1.1 80 {\n  }\n}\n"])
        let service = try #require(configuration.services.first)
        #expect(service.location.description == "/etc/keepalived/conf.d/a.conf:1:1")
        #expect(service.realServers.first?.location.description == "/etc/keepalived/conf.d/a.conf:2:3")
    }

    @Test func blockOnTheNextLineAndCommentsAndQuotes() async throws {
        let configuration = try Self.parse(
            """
            ! comment
            virtual_server 10.0.0.1 80   # trailing comment
            {
                real_server 192.168.1.1 80 { weight 2 }
                virtualhost "www example { } # not a comment"
            }
            """)
        #expect(configuration.services.first?.realServers.first?.weightValue == 2)
    }

    @Test(arguments: [
        ("virtual_server 10.0.0.1 80 {\n  lb_kind dr\n}\n", "2:11", "NAT, DR or TUN"),
        ("virtual_server 10.0.0.1 80 {\n  persistence_timeout x\n}\n", "2:23", "seconds"),
        ("virtual_server 10.0.0.1 80 {\n  real_server 192.168.1.1 80 {\n    weigth 1\n  }\n}\n", "3:5", "real_server keyword"),
        ("virtual_server 10.0.0.1 80 http {\n}\n", "1:1", "virtual_server ADDRESS PORT"),
        // keepalived 2.2.7's alloc_vsg_entry: a range must end above its start, a block has
        // no host bits, an IPv4 range's end is a byte.
        ("virtual_server_group G {\n  10.0.0.5-5 80\n}\n", "2:3", "a range"),
        ("virtual_server_group G {\n  10.0.0.1/24 80\n}\n", "2:3", "a block"),
        ("virtual_server_group G {\n  10.0.0.1-256 80\n}\n", "2:3", "a range"),
        ("virtual_server_group G {\n  10.0.0.9-10.0.0.1 80\n}\n", "2:3", "a range"),
        ("virtual_server_group G {\n  fwmark 1 ipv6\n}\n", "2:12", "inet or inet6"),
        ("virtual_server_group G {\n  10.0.0.0/8 80\n}\n", "2:3", "at most 65536"),
        // svr_forwarding_handler: gue needs a port and only gue has one; ipip has no checksum.
        ("virtual_server 10.0.0.1 80 {\n  lvs_method TUN type gue\n}\n", "2:23", "port N with type gue"),
        ("virtual_server 10.0.0.1 80 {\n  lvs_method TUN port 5555\n}\n", "2:23", "port N with type gue"),
        ("virtual_server 10.0.0.1 80 {\n  lvs_method TUN csum\n}\n", "2:18", "no checksum option on ipip"),
        ("virtual_server 10.0.0.1 80 {\n  lvs_method TUN type vxlan\n}\n", "2:23", "ipip, gue or gre"),
        ("virtual_server 10.0.0.1 80 {\n  lvs_method DR fast\n}\n", "2:17", "tunnel options"),
        ("global_defs {\n  lvs_timeouts tcp\n}\n", "2:3", "lvs_timeouts tcp N"),
        ("global_defs {\n  lvs_timeouts tcp 900 sctp 5\n}\n", "2:24", "tcp, tcpfin or udp"),
        ("global_defs {\n  lvs_timeouts tcp 2678401\n}\n", "2:20", "0...2678400"),
        ("virtual_server 10.0.0.300 80 {\n}\n", "1:16", "IPv4 or IPv6 address"),
        ("virtual_server 10.0.0.1 80 {\n", "1:28", "a matching }"),
        ("}\n", "1:1", "a keyword"),
        ("vrrp_instanse VI {\n}\n", "1:1", "top-level keyword"),
        ("virtual_server group NOPE {\n}\n", "1:22", "a group defined"),
        ("include missing.conf\n", "1:9", "included file that exists"),
        ("virtual_server 10.0.0.1 80 {\n  virtualhost \"open\n}\n", "2:15", "closing"),
        ("virtual_server_group G {\n  10.0.0.1 80\n  2001:db8::1 80\n  fwmark 1\n}\n", "1:1", "fwmark N inet6"),
        // Found by fuzzing (Fuzz/regressions/keepalived/empty-virtual-server-group.conf): trapped.
        ("virtual_server_group E {\n}\nvirtual_server group E {\n}\n", "3:22", "at least one address or fwmark"),
        ("include keepalived.conf\n", "1:9", "without a cycle"),
    ])
    func malformedInputNamesLineAndColumn(_ text: String, _ location: String, _ expected: String) {
        #expect {
            _ = try Self.parse(text)
        } throws: { error in
            guard let error = error as? LintInputError else { return false }
            return "\(error.location.line):\(error.location.column)" == location && error.expected.contains(expected)
        }
    }
}
