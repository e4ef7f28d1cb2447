import IPVSKernel
import IPVSMetrics
import IPVSModel
import IPVSTestSupport
import Testing

/// `--collector.services.include` / `exclude` over the lab's 25 services: whole services (and
/// their real servers) go, in every collector, matched against ipvsadm's spelling.
@Suite struct ServiceFilterTests {
    static func services(_ filter: ServiceFilter?) throws -> [ExpositionSample] {
        let procfs = ProcFS(root: Fixtures.labProc)
        let scraper = Scraper(
            collectors: Scraper.allCollectors, procfs: procfs,
            reader: ProcFSStateReader(procfs: procfs, hz: KernelHZ(hz: 250, source: "test")), exporterMetrics: false,
            serviceFilter: filter)
        let text = String(decoding: ExpositionEncoder.encode(scraper.scrape().metrics, format: .prometheusText), as: UTF8.self)
        return try ExpositionText.parse(text)
    }

    @Test func theStringMatchedIsIpvsadmsSpelling() throws {
        let v6 = try #require(IPAddress("2001:db8::1"))
        let filter = try ServiceFilter(include: #"^(UDP \[2001:db8::1\]:53|FWM 1000 IPv6|TCP 10\.0\.0\.1:80)$"#, exclude: nil)
        #expect(filter.keeps(.address(.udp, v6, port: 53)))
        #expect(filter.keeps(.firewallMark(1000, family: .ipv6)))
        #expect(!filter.keeps(.firewallMark(1000, family: .ipv4)))
        #expect(filter.keeps(.address(.tcp, try #require(IPAddress("10.0.0.1")), port: 80)))
        #expect(!filter.keeps(.address(.tcp, try #require(IPAddress("10.0.0.1")), port: 8080)))
    }

    @Test(
        arguments: [
            // include, exclude, which protocols and families remain
            ("FWM", nil, "FWM"), (nil, "^FWM", "TCP/UDP/SCTP"), (#"\["#, nil, "IPv6 addresses"),
            ("^UDP", ":53$", "UDP, not port 53"),
        ] as [(String?, String?, String)])
    func keepsOrDropsWholeServices(_ include: String?, _ exclude: String?, _ what: String) throws {
        let all = try Self.services(nil).filter { $0.name == "ipvs_service_info" }
        let kept = try Self.services(ServiceFilter(include: include, exclude: exclude))
        let info = kept.filter { $0.name == "ipvs_service_info" }
        func spelled(_ sample: ExpositionSample) -> String {
            let l = sample.labels
            if l["proto"] == "FWM" { return "FWM \(l["local_mark"]!)" + (l["local_address"] == "::" ? " IPv6" : "") }
            let address = l["local_address"]!.contains(":") ? "[\(l["local_address"]!)]" : l["local_address"]!
            return "\(l["proto"]!) \(address):\(l["local_port"]!)"
        }
        // What should remain, worked out here from the labels, not by the filter.
        let expected = Set(
            all.map(spelled).filter { service in
                switch what {
                case "FWM": service.hasPrefix("FWM")
                case "TCP/UDP/SCTP": !service.hasPrefix("FWM")
                case "IPv6 addresses": service.contains("[")
                default: service.hasPrefix("UDP") && !service.hasSuffix(":53")
                }
            })
        #expect(!expected.isEmpty && expected.count < all.count)
        #expect(Set(info.map(spelled)) == expected)
        // Real servers go with their service.
        let backends = kept.filter { $0.name == "ipvs_backend_weight" }
        #expect(!backends.isEmpty && backends.allSatisfy { expected.contains(spelled($0)) })
    }

    @Test func aPatternThatDoesNotCompileIsRefused() {
        #expect(throws: ServiceFilter.InvalidPattern.self) { try ServiceFilter(include: "TCP (", exclude: nil) }
    }
}
