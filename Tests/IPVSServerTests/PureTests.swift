import IPVSMetrics
import IPVSServer
import Logging
import Testing

@Suite struct ContentNegotiationTests {
    @Test(
        arguments: [
            (nil, ExpositionFormat.prometheusText),
            ("", .prometheusText),
            ("text/plain", .prometheusText),
            ("*/*", .prometheusText),
            (
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1",
                .openMetrics
            ),
            ("text/plain;version=0.0.4;q=0.9,application/openmetrics-text;q=0.5", .prometheusText),
            ("application/openmetrics-text; version=1.0.0", .openMetrics),
            ("application/openmetrics-text;q=0", .prometheusText),
            ("application/json", .prometheusText),
        ] as [(String?, ExpositionFormat)])
    func format(_ accept: String?, _ expected: ExpositionFormat) {
        #expect(ContentNegotiation.format(accept: accept) == expected)
    }

    @Test(
        arguments: [
            (nil, false), ("gzip", true), ("deflate, gzip", true), ("gzip;q=0", false), ("GZIP", true), ("x-gzip", true),
            ("*", true), ("identity", false), ("br;q=1.0, gzip;q=0.8", true),
        ] as [(String?, Bool)])
    func gzip(_ header: String?, _ expected: Bool) {
        #expect(ContentNegotiation.acceptsGzip(header) == expected)
    }
}

@Suite struct ListenAddressTests {
    @Test(
        arguments: [
            (":9911", nil, 9911), ("0.0.0.0:9911", "0.0.0.0", 9911), ("127.0.0.1:0", "127.0.0.1", 0), ("[::1]:9911", "::1", 9911),
            ("[::]:80", "::", 80), ("localhost:9911", "localhost", 9911),
        ] as [(String, String?, Int)])
    func parses(_ text: String, _ host: String?, _ port: Int) throws {
        let address = try ListenAddress(parsing: text)
        #expect(address.host == host)
        #expect(address.port == port)
        #expect(try ListenAddress(parsing: address.description) == address)
    }

    @Test(arguments: ["9911", "::1:9911", ":", ":99999", "[::1:9911", "host:-1", "host:http", "[]:80"])
    func rejects(_ text: String) async {
        #expect(throws: ListenAddress.ParseError.self) { try ListenAddress(parsing: text) }
    }
}

@Suite struct LogFormatTests {
    @Test func logfmtQuotesWhatNeedsIt() async {
        let line = LogFormatHandler.logfmt([
            ("ts", "T"), ("level", "info"), ("msg", "hello world"), ("path", "/a=b"), ("n", "3"), ("e", ""),
        ])
        #expect(line == #"ts=T level=info msg="hello world" path="/a=b" n=3 e="""#)
        #expect(LogFormatHandler.logfmt([("msg", "a \"q\"\nb")]) == #"msg="a \"q\"\nb""#)
    }

    @Test func jsonEscapes() async {
        #expect(LogFormatHandler.json([("msg", "a\"b\\\n\u{1}")]) == #"{"msg":"a\"b\\\n\u0001"}"#)
    }

    @Test(arguments: [
        (Int64(0), 0, "1970-01-01T00:00:00.000Z"), (1_795_290_612, 320, "2026-11-21T19:50:12.320Z"),
        (951_782_400, 5, "2000-02-29T00:00:00.005Z"), (4_107_542_399, 999, "2100-02-28T23:59:59.999Z"),
    ])
    func rfc3339(_ seconds: Int64, _ milliseconds: Int, _ expected: String) {
        #expect(LogFormatHandler.rfc3339(seconds: seconds, milliseconds: milliseconds) == expected)
    }

    @Test func warnIsSpelledLikeGo() async {
        #expect(LogFormatHandler.levelName(.warning) == "warn")
    }
}
