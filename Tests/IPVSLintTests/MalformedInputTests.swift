import IPVSLint
import IPVSTestSupport
import Testing

/// Every kind of unreadable line stops the linter with where it is (file:line:col), what was
/// found and what was expected; nothing is skipped or guessed.
@Suite struct MalformedInputTests {
    struct Case: CustomStringConvertible, Sendable {
        var role: InputRole
        var text: String
        /// `line:col`
        var at: String
        /// A fragment of "expected …".
        var expected: String
        var description: String { "\(role) \(text.split(separator: "\n").last ?? "")" }
    }

    static let iptablesHead = "*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n"

    static let cases: [Case] = [
        // ipvsadm rules
        Case(role: .ipvsadm, text: "-A -t 10.0.0.1:80 -s rr --bogus\n", at: "1:25", expected: "option"),
        Case(role: .ipvsadm, text: "-A -t 10.0.0.1:80 -s\n", at: "1:21", expected: "a value after -s"),
        Case(role: .ipvsadm, text: "-A -t 10.0.0.1:99999 -s rr\n", at: "1:7", expected: "a port from 0 to 65535"),
        Case(role: .ipvsadm, text: "-A -t 10.0.0.300:80 -s rr\n", at: "1:7", expected: "an IPv4 address"),
        Case(role: .ipvsadm, text: "-A -t 2001:db8::1:http -s rr\n", at: "1:7", expected: "must be in brackets"),
        Case(role: .ipvsadm, text: "-A -t [2001:db8::1:80 -s rr\n", at: "1:7", expected: "[IPV6]:PORT"),
        Case(role: .ipvsadm, text: "-A -t [zz::1]:80 -s rr\n", at: "1:7", expected: "an IPv6 address inside the brackets"),
        Case(role: .ipvsadm, text: "-A -t :80 -s rr\n", at: "1:7", expected: "an address before the port"),
        Case(role: .ipvsadm, text: "-A -s rr\n", at: "1:9", expected: "a service (-t, -u, --sctp-service or -f)"),
        Case(role: .ipvsadm, text: "-A -t 10.0.0.1:80 -u 10.0.0.1:53\n", at: "1:19", expected: "one service"),
        Case(
            role: .ipvsadm, text: "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -m -w 1\n", at: "2:26",
            expected: "-r ADDRESS[:PORT]"),
        Case(
            role: .ipvsadm, text: "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2 -w one\n", at: "2:34",
            expected: "(an integer)"),
        Case(
            role: .ipvsadm, text: "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2 -g -m\n", at: "2:34",
            expected: "one forwarding method"),
        Case(role: .ipvsadm, text: "-A -t 10.0.0.1:80 -s rr -w 1\n", at: "1:25", expected: "a service option"),
        Case(
            role: .ipvsadm, text: "-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2 -s rr\n", at: "2:31",
            expected: "a real server option"),
        Case(role: .ipvsadm, text: "-A -t 10.0.0.1:80 -s rr -s wlc\n", at: "1:25", expected: "each option once"),
        Case(role: .ipvsadm, text: "-A -E -t 10.0.0.1:80\n", at: "1:4", expected: "one command per line"),
        Case(role: .ipvsadm, text: "-t 10.0.0.1:80 -s rr\n", at: "1:1", expected: "a command"),
        Case(role: .ipvsadm, text: "-L -n\n", at: "1:1", expected: "only lists or saves"),
        Case(role: .ipvsadm, text: "--set 900 120\n", at: "1:7", expected: "three timeouts after --set"),
        Case(role: .ipvsadm, text: "-A -f x -s rr\n", at: "1:7", expected: "a firewall mark (an integer)"),
        Case(
            role: .ipvsadm, text: "-A -t 10.0.0.1:80 -p 1h\n", at: "1:22",
            expected: "a persistence timeout in seconds (an integer)"),
        Case(role: .ipvsadm, text: "-A -t 10.0.0.1:80 -6\n", at: "1:19", expected: "-6 only with an IPv6 service address"),
        Case(role: .ipvsadm, text: "-A -t 10.0.0.1:80 -p 60 -M abc\n", at: "1:28", expected: "a netmask"),
        Case(
            role: .ipvsadm, text: "# fine\n\n-A -t 10.0.0.1:80 -s rr\n-a -t 10.0.0.1:80 -r 10.0.0.2 -i --tun-csum --tun-nocsum\n",
            at: "4:45", expected: "one checksum option"),
        Case(role: .ipvsadm, text: "-A -t 10.0.0.1:8o! -s rr\n", at: "1:7", expected: "a port number or a service name"),
        // iptables-save
        Case(role: .iptables, text: "-A INPUT -j DROP\n", at: "1:1", expected: "a table line"),
        Case(
            role: .iptables, text: "*filter\n:INPUT ACCEPT [0:0]\n", at: "3:1",
            expected: "COMMIT for table filter (opened at line 1)"),
        Case(
            role: .iptables, text: "*filtre\nCOMMIT\n", at: "1:1", expected: "a table: *raw, *mangle, *nat, *filter or *security"),
        Case(role: .iptables, text: "*filter\n*nat\n", at: "2:1", expected: "COMMIT before the next table"),
        Case(role: .iptables, text: "*filter\n:INPUT ALLOW [0:0]\nCOMMIT\n", at: "2:8", expected: "a policy"),
        // Found by fuzzing (Fuzz/regressions/iptables-save): an address without its host trapped.
        Case(
            role: .iptables, text: iptablesHead + "-A INPUT -d /24 -j DROP\nCOMMIT\n", at: "5:13",
            expected: "ADDRESS or ADDRESS/PREFIX"),
        Case(role: .iptables, text: "*filter\n:INPUT ACCEPT [0:x]\nCOMMIT\n", at: "2:15", expected: "[PACKETS:BYTES]"),
        Case(
            role: .iptables, text: iptablesHead + "-A NOSUCH -j DROP\nCOMMIT\n", at: "5:4",
            expected: "a chain declared in table filter"),
        Case(
            role: .iptables, text: iptablesHead + "-A INPUT -m comment --comment \"open\nCOMMIT\n", at: "5:31",
            expected: "a closing quote"),
        Case(
            role: .iptables, text: iptablesHead + "-A INPUT -j DROP -j ACCEPT\nCOMMIT\n", at: "5:18",
            expected: "one -j or -g per rule"),
        Case(role: .iptables, text: iptablesHead + "-A INPUT -s\nCOMMIT\n", at: "5:12", expected: "a value after -s"),
        Case(
            role: .iptables, text: iptablesHead + "-A INPUT ! ! -s 10.0.0.1 -j DROP\nCOMMIT\n", at: "5:12",
            expected: "one \"!\" before an option"),
        Case(role: .iptables, text: iptablesHead + "-A INPUT -j DROP x\nCOMMIT\n", at: "5:18", expected: "an iptables option"),
        Case(role: .iptables, text: iptablesHead + "-X INPUT\nCOMMIT\n", at: "5:1", expected: "a rule (-A CHAIN …)"),
        Case(
            role: .iptables,
            text: "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j MARK --set-xmark 0xzz/0xffffffff\nCOMMIT\n", at: "3:23",
            expected: "one mark value such as 0x6"),
        Case(
            role: .iptables, text: "*mangle\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j MARK\nCOMMIT\n", at: "3:1",
            expected: "--set-xmark, --set-mark"),
        Case(
            role: .ip6tables, text: "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -d 10.0.0.1/32 -j DROP\nCOMMIT\n", at: "3:13",
            expected: "IPv6"),
        // sysctl
        Case(
            role: .sysctl(host: nil), text: "net.ipv4.ip_forward = 1\nnet.ipv4.conf.all.arp_ignore\n", at: "2:1",
            expected: "key = value"),
        Case(role: .sysctl(host: nil), text: "= 1\n", at: "1:1", expected: "a sysctl key"),
        Case(role: .sysctl(host: "10.0.0.11"), text: "net.ipv4.conf.all.arp_ignore 1\n", at: "1:1", expected: "key = value"),
        // timeouts
        Case(role: .timeouts, text: "Timeout (tcp tcpfin udp): 900 120\n", at: "1:26", expected: "three timeouts"),
        Case(role: .timeouts, text: "Timeout (tcp tcpfin udp): 900 2m 300\n", at: "1:26", expected: "for tcpfin"),
        Case(role: .timeouts, text: "TCP 900\n", at: "1:1", expected: "Timeout (tcp tcpfin udp)"),
        Case(role: .timeouts, text: "", at: "1:1", expected: "Timeout (tcp tcpfin udp)"),
        // suppressions, in any input
        Case(
            role: .ipvsadm, text: "# ipvs-lint: disable=LVS201\n-A -t 10.0.0.1:80 -s rr\n", at: "1:1",
            expected: "a reason after the rules"),
        Case(
            role: .ipvsadm, text: "# ipvs-lint: disable=LVS201 --   \n-A -t 10.0.0.1:80 -s rr\n", at: "1:1",
            expected: "a reason after \"--\""),
        Case(
            role: .sysctl(host: nil), text: "# ipvs-lint: disable=LVS999 -- why\nnet.ipv4.ip_forward = 1\n", at: "1:1",
            expected: "a rule ID"),
        Case(
            role: .sysctl(host: nil), text: "# ipvs-lint: enable=LVS201 -- why\nnet.ipv4.ip_forward = 1\n", at: "1:1",
            expected: "disable=RULES"),
    ]

    @Test(arguments: cases) func stopsWithLocation(_ testCase: Case) async {
        var set = InputSet()
        let file = SourceFile(name: "input", text: testCase.text)
        do {
            try set.add(file, as: testCase.role)
            Issue.record("no error for \(testCase.text.debugDescription)")
        } catch {
            #expect("\(error.location.line):\(error.location.column)" == testCase.at, "\(error)")
            #expect(error.location.file == "input")
            #expect(error.expected.contains(testCase.expected), "\(error)")
            #expect(!error.found.isEmpty)
        }
    }
}
