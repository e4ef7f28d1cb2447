import IPVS
public import IPVSMetrics
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
    private let lastFailures = Mutex<[String: String]>([:])

    public init(scraper: Scraper, logger: Logger) {
        self.scraper = scraper
        self.logger = logger
    }

    public struct Body: Sendable {
        public var bytes: [UInt8]
        public var contentType: String
        public var gzipped: Bool
    }

    /// Blocking: reads /proc and netlink. Call it off the event loop.
    public func render(format: ExpositionFormat, gzip: Bool) -> Body {
        let outcome = scraper.scrape()
        report(outcome.failures)
        let text = ExpositionEncoder.encode(outcome.metrics, format: format)
        if gzip {
            do throws(GzipError) {
                // Level 1: exposition text compresses well even so, and scrapes stay cheap.
                let compressed = try Gzip.compress(text, level: 1)
                return Body(bytes: compressed, contentType: format.contentType, gzipped: true)
            } catch {
                logger.error("gzip failed; sending the response uncompressed", metadata: ["error": "\(error)"])
            }
        }
        return Body(bytes: text, contentType: format.contentType, gzipped: false)
    }

    /// Reads the service table once and logs whether IPVS is readable, so that an operator
    /// starting the exporter on a host without IPVS sees why at once. The failure is remembered,
    /// so the first scrape does not log it again.
    public func checkAtStartup() {
        do throws(IPVSReadError) {
            let table = try scraper.reader.serviceTable()
            let servers = table.services.reduce(0) { $0 + $1.realServers.count }
            logger.info(
                "IPVS state readable",
                metadata: ["services": "\(table.services.count)", "real_servers": "\(servers)", "source": "\(scraper.reader.source.rawValue)"])
        } catch {
            report(["ipvs_up": error])
        }
    }

    private func report(_ failures: [String: IPVSReadError]) {
        let current = failures.mapValues { $0.description }
        let (started, ended) = lastFailures.withLock { previous -> ([(String, String)], [String]) in
            let started = current.filter { previous[$0.key] != $0.value }.sorted { $0.key < $1.key }
            let ended = previous.keys.filter { current[$0] == nil }.sorted()
            previous = current
            return (started, ended)
        }
        for (collector, message) in started {
            if collector == "ipvs_up" {
                logger.warning("IPVS state cannot be read; serving ipvs_up 0", metadata: ["error": "\(message)"])
            } else {
                logger.warning("collector failed", metadata: ["collector": "\(collector)", "error": "\(message)"])
            }
        }
        for collector in ended {
            logger.info(collector == "ipvs_up" ? "IPVS state readable again" : "collector recovered", metadata: ["collector": "\(collector)"])
        }
    }
}
