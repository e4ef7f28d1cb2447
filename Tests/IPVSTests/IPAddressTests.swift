import IPVSModel
import Testing

@Suite struct IPAddressTests {
    /// RFC 5952 canonical text, the form every label carries.
    @Test(arguments: [
        ("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),  // first of two equal runs
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),  // a single zero group is not compressed
        ("0:0:0:0:0:0:0:0", "::"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("fd00:0016:0001:0000:0000:0000:0000:0011", "fd00:16:1::11"),
        ("2001:DB8::A", "2001:db8::a"),
        ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),  // the longer run wins
        ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
        ("1::", "1::"),
        ("10.0.0.1", "10.0.0.1"),
        ("255.255.255.255", "255.255.255.255"),
        ("0.0.0.0", "0.0.0.0"),
    ])
    func canonicalText(_ input: String, _ expected: String) throws {
        let address = try #require(IPAddress(input))
        #expect(address.description == expected)
        #expect(IPAddress(expected) == address)
    }

    @Test(arguments: [
        "", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1..2.3", "a.b.c.d", ":::", "1:2:3:4:5:6:7:8:9",
        "1::2::3", "12345::", "g::1", "1:2:3:4:5:6:7", ":1::", "1:", "[::1]", "::1%eth0",
    ])
    func rejects(_ input: String) {
        #expect(IPAddress(input) == nil)
    }

    @Test func bytesRoundTrip() async throws {
        for text in ["10.0.0.1", "2001:db8::1", "::", "fe80::1:2:3:4"] {
            let address = try #require(IPAddress(text))
            #expect(IPAddress(bytes: address.bytes) == address)
        }
        #expect(IPAddress(bytes: [1, 2, 3]) == nil)
    }

    @Test func ordering() async {
        #expect(IPAddress("10.0.0.9")! < IPAddress("10.0.0.10")!)
        #expect(IPAddress("255.255.255.255")! < IPAddress("::")!)
    }
}
