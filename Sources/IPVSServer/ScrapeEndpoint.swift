import IPVSKernel
public import IPVSMetrics
import IPVSModel
public import Logging
import Synchronization
import Zlib

/// What `/metrics` does: scrape, log what changed, encode, optionally gzip.
///
/// Failures are logged when they start, change or stop, not on every scrape: an exporter
/// that repeats "IPVS is not loaded" every 15 s hides everything else in the journal.
public final class ScrapeEndpoint: Sendable {
    private let scraper: Scraper
    private let logger: Logger
    private let lastFailures = Mutex<[String: IPVSReadError]>([:])
    /// How the last scrape read IPVS (`netlink`, `procfs`), nil when it could not; `.none`
    /// before the first. The landing page says it, rather than the configured `auto`.
    private let lastSource = Mutex<String??>(.none)

    public var lastRead: String?? { lastSource.withLock { $0 } }

    public init(scraper: Scraper, logger: Logger) {
        self.scraper = scraper
        self.logger = logger
    }

    /// The response body of one scrape, produced piece by piece so that its size never has to
    /// fit in memory at once. Used by one thread at a time.
    public final class Body {
        public let contentType: String
        public let gzipped: Bool
        private var exposition: ExpositionStream
        private let deflater: GzipStream?
        private var done = false

        init(exposition: ExpositionStream, contentType: String, deflater: GzipStream?) {
            self.exposition = exposition
            self.contentType = contentType
            self.deflater = deflater
            self.gzipped = deflater != nil
        }

        /// The next bytes to send, or nil at the end. With gzip, zlib may buffer a piece
        /// without output; such empty pieces are skipped here.
        public func next() -> [UInt8]? {
            while !done {
                guard let text = exposition.next() else {
                    done = true
                    guard let deflater else { return nil }
                    do throws(GzipError) { return try deflater.finish() } catch { return nil }
                }
                guard let deflater else { return text }
                do throws(GzipError) {
                    let compressed = try deflater.compress(text)
                    if !compressed.isEmpty { return compressed }
                } catch {
                    done = true
                    return nil
                }
            }
            return nil
        }

        /// Everything at once (tests).
        public func collect() -> [UInt8] {
            var out: [UInt8] = []
            while let piece = next() { out += piece }
            return out
        }
    }

    /// Runs the collectors and returns the body to stream. Blocking (it reads /proc and
    /// netlink): call it off the event loop.
    public func render(format: ExpositionFormat, gzip: Bool) -> Body {
        body(for: collect(), format: format, gzip: gzip)
    }

    /// Runs the collectors once and logs what changed. Blocking (it reads /proc and netlink).
    public func collect() -> ScrapeOutcome {
        let outcome = scraper.scrape()
        report(outcome.failures)
        let read: String? = outcome.failures["ipvs_up"] == nil ? outcome.source.rawValue : nil
        lastSource.withLock { $0 = .some(read) }
        return outcome
    }

    /// The body of one response over a collected scrape; several responses may share one
    /// outcome (its families are values, rendered by each response on its own).
    /// `http` are the server's own families, served with the process metrics (and left out
    /// with them by --web.disable-exporter-metrics).
    public func body(
        for outcome: ScrapeOutcome, format: ExpositionFormat, gzip: Bool, http: @autoclosure () -> [MetricFamily] = []
    )
        -> Body
    {
        var metrics = outcome.metrics
        if scraper.exporterMetrics { for family in http() { metrics.append(family) } }
        let stream = ExpositionStream(metrics, format: format)
        var deflater: GzipStream?
        if gzip {
            // Level 1: exposition text still shrinks ~10x, at a third of level 6's CPU.
            do throws(GzipError) { deflater = try GzipStream(level: 1) } catch {
                logger.error("gzip unavailable; sending the response uncompressed", metadata: ["error": "\(error)"])
            }
        }
        return Body(exposition: stream, contentType: format.contentType, deflater: deflater)
    }

    /// Reads the service table once and logs whether IPVS is readable, so that an operator
    /// starting the exporter on a host without IPVS sees why at once. The failure is remembered,
    /// so the first scrape does not log it again.
    public func checkAtStartup() {
        switch scraper.readServiceTable() {
        case .success(let table):
            let servers = table.services.reduce(0) { $0 + $1.realServers.count }
            logger.info(
                "IPVS state readable",
                metadata: [
                    "services": "\(table.services.count)", "real_servers": "\(servers)", "source": "\(table.source.rawValue)",
                ])
        case .failure(let error):
            report(["ipvs_up": error])
        }
    }

    private func report(_ failures: [String: IPVSReadError]) {
        // "IPVS is not loaded" fails every collector; say it once, as the reason for ipvs_up 0.
        var folded = failures
        if case .unavailable = failures["ipvs_up"] {
            folded = folded.filter { name, error in
                if name == "ipvs_up" { return true }
                if case .unavailable = error { return false }
                return true
            }
        }
        let current = folded
        let (started, ended) = lastFailures.withLock { previous -> ([(String, IPVSReadError)], [String]) in
            let started = current.filter { previous[$0.key] != $0.value }.sorted { $0.key < $1.key }
            let ended = previous.keys.filter { current[$0] == nil }.sorted()
            previous = current
            return (started, ended)
        }
        for (collector, message) in started {
            if collector == "ipvs_up" {
                logger.warning("IPVS state cannot be read; serving ipvs_up 0", metadata: ["error": "\(message)"])
            } else if case .skipped(let why) = message {
                logger.warning("collector skipped its read", metadata: ["collector": "\(collector)", "reason": "\(why)"])
            } else {
                logger.warning("collector failed", metadata: ["collector": "\(collector)", "error": "\(message)"])
            }
        }
        for collector in ended {
            logger.info(
                collector == "ipvs_up" ? "IPVS state readable again" : "collector recovered",
                metadata: ["collector": "\(collector)"])
        }
    }
}
