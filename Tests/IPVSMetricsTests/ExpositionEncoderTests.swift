import Foundation
import IPVSMetrics
import Testing

@Suite struct ExpositionEncoderTests {
    static let counter = MetricDescriptor("demo_bytes_total", .counter, "Bytes seen.", labels: ["path"])
    static let gauge = MetricDescriptor("demo_up", .gauge, "Help with a \\ backslash,\na newline and \"quotes\".")

    func text(_ set: MetricSet, _ format: ExpositionFormat = .prometheusText) -> String {
        String(decoding: ExpositionEncoder.encode(set, format: format), as: UTF8.self)
    }

    @Test func familiesSortedWithHelpAndType() async {
        var set = MetricSet()
        set.add(Self.gauge, .none, .unsigned(1))
        set.add(Self.counter, Labels(["path"], ["/a"]), .unsigned(5))
        #expect(
            text(set) == """
                # HELP demo_bytes_total Bytes seen.
                # TYPE demo_bytes_total counter
                demo_bytes_total{path="/a"} 5
                # HELP demo_up Help with a \\\\ backslash,\\na newline and "quotes".
                # TYPE demo_up gauge
                demo_up 1

                """)
    }

    @Test func labelValuesAreEscaped() async {
        var set = MetricSet()
        set.add(Self.counter, Labels(["path"], ["a\"b\\c\nd"]), .unsigned(1))
        #expect(text(set).contains(#"demo_bytes_total{path="a\"b\\c\nd"} 1"#))
    }

    @Test func openMetricsNamesCountersWithoutTotalAndEndsWithEOF() async {
        var set = MetricSet()
        set.add(Self.counter, Labels(["path"], ["/"]), .unsigned(7))
        set.add(Self.gauge, .none, .unsigned(0))
        #expect(
            text(set, .openMetrics) == """
                # TYPE demo_bytes counter
                # HELP demo_bytes Bytes seen.
                demo_bytes_total{path="/"} 7
                # TYPE demo_up gauge
                # HELP demo_up Help with a \\\\ backslash,\\na newline and \\"quotes\\".
                demo_up 0
                # EOF

                """)
    }

    @Test(arguments: [
        (SampleValue.unsigned(0), "0"),
        (.unsigned(UInt64.max), "18446744073709551615"),
        (.unsigned(9_007_199_254_740_993), "9007199254740993"),  // 2^53 + 1: no Double rounding
        (.signed(-3), "-3"),
        (.signed(Int64.min), "-9223372036854775808"),
        (.double(0.25), "0.25"),
        (.double(2), "2"),
        (.double(1e-7), "1e-07"),
        (.double(.nan), "NaN"),
        (.double(.infinity), "+Inf"),
        (.double(-.infinity), "-Inf"),
    ])
    func values(_ value: SampleValue, _ expected: String) {
        var set = MetricSet()
        set.add(Self.gauge, .none, value)
        #expect(text(set).hasSuffix("demo_up \(expected)\n"))
    }

    @Test func emptyFamiliesAreLeftOut() async {
        var set = MetricSet()
        set.append(MetricFamily(Self.counter, samples: []))
        #expect(text(set) == "")
        #expect(text(set, .openMetrics) == "# EOF\n")
    }

    /// Several collectors may contribute to one family; it is still written once, with one
    /// HELP and TYPE.
    @Test func familiesFromSeveralSourcesAreMerged() async {
        var set = MetricSet()
        set.add(Self.counter, Labels(["path"], ["/a"]), .unsigned(1))
        set.add(Self.gauge, .none, .unsigned(1))
        set.add(Self.counter, Labels(["path"], ["/b"]), .unsigned(2))
        #expect(text(set).components(separatedBy: "# TYPE demo_bytes_total").count == 2)
        #expect(text(set).contains("demo_bytes_total{path=\"/a\"} 1\ndemo_bytes_total{path=\"/b\"} 2\n"))
    }

    /// The stream's chunks concatenate to the whole text whatever the chunk size.
    @Test(arguments: [1, 10, 100, 65536])
    func chunksConcatenateToTheWhole(_ size: Int) async {
        var set = MetricSet()
        set.append(
            MetricFamily(Self.counter, count: 500) { range, w in
                for i in range { w.sample(Labels(["path"], ["/\(i)"]), .unsigned(UInt64(i))) }
            })
        set.add(Self.gauge, .none, .unsigned(1))
        let whole = ExpositionEncoder.encode(set, format: .openMetrics)
        var stream = ExpositionStream(set, format: .openMetrics)
        var joined: [UInt8] = []
        var pieces = 0
        while let piece = stream.next(size: size) {
            joined += piece
            pieces += 1
        }
        #expect(joined == whole)
        #expect(pieces >= min(500, whole.count / (size + 200)))
    }

    @Test func appendingLabelsKeepsOrder() async {
        let labels = Labels(["a", "b"], ["1", "2"]).appending(["c"], ["3"])
        #expect(String(decoding: labels.rendered, as: UTF8.self) == #"{a="1",b="2",c="3"}"#)
        #expect(String(decoding: Labels.none.appending(["x"], ["y"]).rendered, as: UTF8.self) == #"{x="y"}"#)
    }
}

@Suite struct OpenMetricsNameClashTests {
    /// The contract's `ipvs_connections_total` (counter) and `ipvs_connections` (gauge) would
    /// both be family `ipvs_connections` in OpenMetrics. The counter is written as an unknown
    /// family under its full name; the text format is unaffected.
    @Test func clashingCounterBecomesUnknownInOpenMetricsOnly() async {
        var set = MetricSet()
        set.add(MetricCatalog.connectionsTotal, .none, .unsigned(187))
        set.add(
            MetricCatalog.connections,
            Labels(MetricCatalog.connections.labelNames, ["TCP", "10.0.0.1", "80", "", "10.0.0.2", "80", "ESTABLISHED"]),
            .unsigned(3))
        set.add(MetricCatalog.incomingBytesTotal, .none, .unsigned(5))
        let om = String(decoding: ExpositionEncoder.encode(set, format: .openMetrics), as: UTF8.self)
        #expect(om.contains("# TYPE ipvs_connections gauge\n"))
        #expect(om.contains("# TYPE ipvs_connections_total unknown\n# HELP ipvs_connections_total Connections scheduled"))
        #expect(om.contains("\nipvs_connections_total 187\n"))
        #expect(om.contains("# TYPE ipvs_incoming_bytes counter\n"))
        #expect(om.components(separatedBy: "# TYPE ipvs_connections ").count == 2)
        let text = String(decoding: ExpositionEncoder.encode(set, format: .prometheusText), as: UTF8.self)
        #expect(text.contains("# TYPE ipvs_connections_total counter\n"))
    }
}
