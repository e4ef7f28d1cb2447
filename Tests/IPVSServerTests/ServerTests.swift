import Dispatch
import IPVSKernel
import IPVSMetrics
import IPVSModel
import IPVSServer
import IPVSTestSupport
import Logging
import NIOCore
import NIOPosix
import Synchronization
import Testing
import Zlib

/// The HTTP server on a real loopback socket.
@Suite struct ServerTests {
    /// A reader that can hold a scrape open until the test lets it go.
    final class GatedReader: IPVSStateReader {
        let inner: ProcFSStateReader
        let gate = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        let gated: Bool

        init(gated: Bool, root: String = Fixtures.labProc) {
            inner = ProcFSStateReader(procfs: ProcFS(root: root), hz: KernelHZ(hz: 250, source: "test"))
            self.gated = gated
        }

        var source: IPVSSource { .procfs }

        func serviceTable() throws(IPVSReadError) -> ServiceTable {
            if gated {
                entered.signal()
                gate.wait()
            }
            return try inner.serviceTable()
        }

        func timeouts() throws(IPVSReadError) -> Timeouts? { nil }
        func syncDaemons() throws(IPVSReadError) -> [SyncDaemon]? { nil }
    }

    static func scraper(_ reader: any IPVSStateReader, root: String = Fixtures.labProc) -> Scraper {
        Scraper(
            collectors: Scraper.allCollectors, procfs: ProcFS(root: root), reader: reader, exporterMetrics: false,
            buildInfo: BuildInfo(version: "t", revision: "t", swiftVersion: "t"), monotonicNanoseconds: { 0 })
    }

    static func withServer<T>(
        reader: any IPVSStateReader = GatedReader(gated: false), root: String = Fixtures.labProc, maxRequests: Int = 40,
        queueTimeout: TimeAmount = .seconds(5),
        // Long by default: when other suites block both cooperative threads (they run processes
        // synchronously), a client may only get to write its request seconds after connecting,
        // and the server would close on it ("I/O on closed channel"). Deadline tests pass theirs.
        readTimeout: TimeAmount = .seconds(120), writeTimeout: TimeAmount = .seconds(30), web: WebConfigurationSource? = nil,
        log: LogRecorder? = nil, _ body: (Int, HTTPServer) async throws -> T
    ) async throws -> T {
        var logger = log.map { recorder in Logger(label: "test") { _ in recorder } } ?? Logger(label: "test")
        logger.logLevel = log == nil ? .critical : .debug
        let endpoint = ScrapeEndpoint(scraper: scraper(reader, root: root), logger: logger)
        var configuration = ServerConfiguration(
            listenAddresses: [ListenAddress(host: "127.0.0.1", port: 0)], maxRequests: maxRequests, queueTimeout: queueTimeout,
            requestReadTimeout: readTimeout, writeTimeout: writeTimeout, shutdownGracePeriod: .seconds(5))
        configuration.web = web
        let server = HTTPServer(configuration: configuration, endpoint: endpoint, logger: logger)
        let addresses = try await server.start()
        let port = try #require(addresses.first?.port)
        do {
            let result = try await body(port, server)
            await server.shutdown()
            return result
        } catch {
            await server.shutdown()
            throw error
        }
    }

    static var expectedText: [UInt8] {
        ExpositionEncoder.encode(scraper(GatedReader(gated: false)).scrape().metrics, format: .prometheusText)
    }

    @Test func metricsInTheTextFormat() async throws {
        try await Self.withServer { port, _ in
            let response = try await RawHTTP.get(port: port, "/metrics")
            #expect(response.status == 200)
            #expect(response.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
            #expect(response.header("Content-Encoding") == nil)
            #expect(response.body == Self.expectedText)
        }
    }

    @Test func gzipWhenAsked() async throws {
        try await Self.withServer { port, _ in
            let response = try await RawHTTP.get(port: port, "/metrics", headers: ["Accept-Encoding": "gzip, deflate"])
            #expect(response.status == 200)
            #expect(response.header("Content-Encoding") == "gzip")
            #expect(Array(response.body.prefix(2)) == [0x1F, 0x8B])
            #expect(try Gzip.decompress(response.body) == Self.expectedText)
            #expect(response.body.count < Self.expectedText.count / 4)
        }
    }

    @Test func noGzipWhenRefused() async throws {
        try await Self.withServer { port, _ in
            let response = try await RawHTTP.get(port: port, "/metrics", headers: ["Accept-Encoding": "gzip;q=0, identity"])
            #expect(response.header("Content-Encoding") == nil)
        }
    }

    @Test func openMetricsWhenPrometheusAsksForIt() async throws {
        try await Self.withServer { port, _ in
            let accept =
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
            let response = try await RawHTTP.get(port: port, "/metrics", headers: ["Accept": accept])
            #expect(response.header("Content-Type") == "application/openmetrics-text; version=1.0.0; charset=utf-8")
            #expect(response.text.hasSuffix("# EOF\n"))
        }
    }

    /// The Prometheus probe endpoints: healthy while the process serves, ready until shutdown
    /// begins; both answer HEAD too.
    @Test func healthAndReadinessEndpoints() async throws {
        try await Self.withServer { port, _ in
            let healthy = try await RawHTTP.get(port: port, "/-/healthy")
            #expect(healthy.status == 200 && healthy.text == "ipvs_exporter is healthy.\n")
            let ready = try await RawHTTP.get(port: port, "/-/ready")
            #expect(ready.status == 200 && ready.text == "ipvs_exporter is ready.\n")
            #expect(try await RawHTTP.get(port: port, "/-/ready", method: "HEAD").status == 200)
            #expect(try await RawHTTP.get(port: port, "/-/readyx").status == 404)
        }
    }

    @Test func landingPageNotFoundAndMethods() async throws {
        try await Self.withServer { port, _ in
            let landing = try await RawHTTP.get(port: port, "/")
            #expect(landing.status == 200)
            #expect(landing.header("Content-Type") == "text/html; charset=utf-8")
            #expect(landing.text.contains(#"<a href="/metrics">"#))

            #expect(try await RawHTTP.get(port: port, "/metricsx").status == 404)
            #expect(try await RawHTTP.get(port: port, "/favicon.ico").status == 404)
            #expect(try await RawHTTP.get(port: port, "/metrics?x=1").status == 200)

            let post = try await RawHTTP.get(port: port, "/metrics", method: "POST")
            #expect(post.status == 405)
            #expect(post.header("Allow") == "GET, HEAD")

            let head = try await RawHTTP.exchange(port: port, "HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let text = String(decoding: head, as: UTF8.self)
            #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(text.hasSuffix("\r\n\r\n"), "HEAD has no body")
            #expect(text.contains("Content-Type: text/plain; version=0.0.4; charset=utf-8"))
        }
    }

    @Test func keepAliveServesSeveralRequestsOnOneConnection() async throws {
        try await Self.withServer { port, _ in
            let bytes = try await RawHTTP.exchange(
                port: port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let responses = try RawHTTP.parse(bytes)
            #expect(responses.map(\.status) == [200, 200])
            #expect(responses[0].body == Self.expectedText)
        }
    }

    /// Over the limit a scrape waits in line for a slot: when the running one ends, it is served.
    @Test func beyondMaxRequestsAScrapeWaitsForASlot() async throws {
        let reader = GatedReader(gated: true)
        try await Self.withServer(reader: reader, maxRequests: 1, queueTimeout: .seconds(60)) { port, _ in
            async let first = RawHTTP.get(port: port, "/metrics")
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    reader.entered.wait()
                    continuation.resume()
                }
            }
            async let second = RawHTTP.get(port: port, "/metrics")
            try await Task.sleep(for: .milliseconds(300))
            // The second is waiting, not refused: let the first finish, then the second run.
            reader.gate.signal()
            #expect(try await first.status == 200)
            reader.gate.signal()
            #expect(try await second.status == 200)
        }
    }

    /// A scrape that waited the whole queue timeout gets 503, saying why.
    @Test func beyondMaxRequestsAnswers503() async throws {
        let reader = GatedReader(gated: true)
        try await Self.withServer(reader: reader, maxRequests: 1, queueTimeout: .milliseconds(200)) { port, _ in
            async let first = RawHTTP.get(port: port, "/metrics")
            // Wait until the first scrape is inside the reader, holding the only slot.
            await withCheckedContinuation { continuation in
                DispatchQueue.global().async {
                    reader.entered.wait()
                    continuation.resume()
                }
            }
            let second = try await RawHTTP.get(port: port, "/metrics")
            #expect(second.status == 503)
            #expect(second.text.contains("--web.max-requests"))
            reader.gate.signal()
            #expect(try await first.status == 200)
            // The slot is free again.
            reader.gate.signal()
            #expect(try await RawHTTP.get(port: port, "/metrics").status == 200)
        }
    }

    /// Headers that never finish: the server closes the connection by itself at its 1 s read
    /// deadline. Both instants are taken on NIO's event loop thread (when the connection is
    /// made and when it closes), so a test suite holding the cooperative threads cannot delay
    /// the measurement, only the moment the test looks at it.
    ///
    /// The client has an event loop of its own, so that other suites' clients on the shared
    /// singleton loops (a flood of 300 requests in AuthenticationTests) cannot delay the moment
    /// this one sees the close.
    @Test func slowRequestIsCutOffAtTheReadDeadline() async throws {
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { clientGroup.shutdownGracefully { _ in } }
        let log = LogRecorder()
        try await Self.withServer(readTimeout: .seconds(1), log: log) { port, _ in
            let connected = ClientBootstrap(group: clientGroup)
                .connectTimeout(.seconds(5))
                .connect(host: "127.0.0.1", port: port)
                .map { channel in (channel, NIODeadline.now()) }
            let (channel, connectedAt) = try await connected.get()
            let closedAt = channel.closeFuture.map { NIODeadline.now() }
            // The server may have closed before this write on a busy machine; that proves the same.
            channel.writeAndFlush(ByteBuffer(string: "GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: "), promise: nil)
            // A server without a deadline never closes: give up long after it should have.
            let timeout = channel.eventLoop.scheduleTask(in: .seconds(60)) { channel.close(promise: nil) }
            let closed = try await closedAt.get()
            timeout.cancel()
            let elapsed = closed - connectedAt
            // Never before the deadline; how long after it depends on the machine (a loaded
            // 2-core runner stalls whole processes for seconds), so the server's own word says
            // why it closed: the read deadline, not the test's give-up or an error.
            #expect(elapsed >= .milliseconds(900), "closed after \(elapsed.nanoseconds / 1_000_000) ms")
            #expect(
                log.messages.contains { $0.contains("closing connection") && $0.contains("request not received in time") },
                "closed after \(elapsed.nanoseconds / 1_000_000) ms; the server logged \(log.messages)")
        }
    }

    @Test func shutdownLetsTheScrapeInProgressFinish() async throws {
        let reader = GatedReader(gated: true)
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        let endpoint = ScrapeEndpoint(scraper: Self.scraper(reader), logger: logger)
        let server = HTTPServer(
            configuration: ServerConfiguration(listenAddresses: [ListenAddress(host: "127.0.0.1", port: 0)]), endpoint: endpoint,
            logger: logger)
        let port = try #require(try await server.start().first?.port)
        async let inFlight = RawHTTP.get(port: port, "/metrics")
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                reader.entered.wait()
                continuation.resume()
            }
        }
        async let stopped: Void = server.shutdown()
        try await Task.sleep(for: .milliseconds(200))
        reader.gate.signal()
        let response = try await inFlight
        await stopped
        #expect(response.status == 200)
        #expect(response.body == Self.expectedText)
        await #expect(throws: (any Error).self) { _ = try await RawHTTP.get(port: port, "/metrics") }
    }

    /// A response larger than one chunk is streamed with chunked transfer encoding, plain and
    /// gzipped, and arrives whole.
    @Test func largeResponsesAreStreamed() async throws {
        let root = try SyntheticProcFS.write(services: 300, backends: 10)
        let reader = GatedReader(gated: false, root: root)
        let expected = ExpositionEncoder.encode(Self.scraper(reader, root: root).scrape().metrics, format: .prometheusText)
        #expect(expected.count > 1 << 20)
        try await Self.withServer(reader: reader, root: root) { port, _ in
            let plain = try await RawHTTP.get(port: port, "/metrics")
            #expect(plain.header("Transfer-Encoding") == "chunked")
            #expect(plain.header("Content-Length") == nil)
            #expect(plain.body == expected)
            let gzipped = try await RawHTTP.get(port: port, "/metrics", headers: ["Accept-Encoding": "gzip"])
            #expect(gzipped.header("Content-Encoding") == "gzip")
            #expect(try Gzip.decompress(gzipped.body) == expected)
            #expect(gzipped.body.count < expected.count / 8)
            // Keep-alive after a chunked response.
            let bytes = try await RawHTTP.exchange(
                port: port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(try RawHTTP.parse(bytes).map(\.status) == [200, 200])
        }
    }

    /// A client that goes away mid-response must not wedge the server or leak the scrape slot.
    @Test func clientDisconnectDuringAStreamFreesTheSlot() async throws {
        let root = try SyntheticProcFS.write(services: 300, backends: 10)
        try await Self.withServer(reader: GatedReader(gated: false, root: root), root: root, maxRequests: 1) { port, _ in
            for _ in 0..<3 {
                // Send the request and close without reading.
                _ = try? await RawHTTP.exchange(port: port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n", timeout: .milliseconds(5))
            }
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await RawHTTP.get(port: port, "/metrics").status == 200)
        }
    }
}

/// Keeps what the server logs, so a test can read why it did something rather than guess it
/// from timing. Copies share one store, as loggers copy their handler.
struct LogRecorder: LogHandler {
    final class Store: Sendable {
        let lines = Mutex<[String]>([])
    }

    let store = Store()
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .debug

    var messages: [String] { store.lines.withLock { $0 } }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        store.lines.withLock { $0.append("\(event.message) \(fields)") }
    }
}
