import IPVSMetrics
import Logging
public import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// How the HTTP server behaves; the CLI fills it from `--web.*` flags.
public struct ServerConfiguration: Sendable {
    public var listenAddresses: [ListenAddress]
    /// `--web.telemetry-path`.
    public var telemetryPath: String
    /// Scrapes served at the same time; 0 means no limit. Beyond it a scrape waits, in arrival
    /// order, up to `queueTimeout` for a slot, then gets 503.
    public var maxRequests: Int
    /// How long a scrape over the limit waits for a slot. Waiting in line rather than failing at
    /// once is what lets Prometheus keep scraping while a flood of other clients holds every
    /// slot: a 503 would go to whoever asked at the wrong moment, here it goes to the excess.
    public var queueTimeout: TimeAmount
    /// A request must arrive whole within this time after its first byte or after the
    /// connection opened (slow clients hold a connection for nothing otherwise).
    public var requestReadTimeout: TimeAmount
    /// A keep-alive connection with no request for this long is closed.
    public var idleTimeout: TimeAmount
    /// A response chunk the client has not taken within this time closes the connection: it
    /// stopped reading, or reads a byte at a time (`--web.write-timeout`).
    public var writeTimeout: TimeAmount
    /// A response not taken whole within this time closes the connection, however steadily it
    /// trickles (`--web.response-timeout`).
    public var responseTimeout: TimeAmount
    /// How long SIGTERM waits for scrapes in progress before closing their connections.
    public var shutdownGracePeriod: TimeAmount
    /// What the landing page says about the source.
    public var sourceDescription: String
    /// `--web.config.file`: TLS, users, headers; nil for plain HTTP open to all.
    public var web: WebConfigurationSource?
    /// `--web.systemd-socket`: listening sockets systemd passed; used instead of
    /// `listenAddresses` when not empty.
    public var inheritedSockets: [Int32] = []

    public init(
        listenAddresses: [ListenAddress], telemetryPath: String = "/metrics", maxRequests: Int = 40,
        queueTimeout: TimeAmount = .seconds(5),
        requestReadTimeout: TimeAmount = .seconds(10), idleTimeout: TimeAmount = .seconds(120),
        writeTimeout: TimeAmount = .seconds(30), responseTimeout: TimeAmount = .seconds(120),
        shutdownGracePeriod: TimeAmount = .seconds(10), sourceDescription: String = "auto"
    ) {
        self.listenAddresses = listenAddresses
        self.telemetryPath = telemetryPath
        self.maxRequests = maxRequests
        self.queueTimeout = queueTimeout
        self.requestReadTimeout = requestReadTimeout
        self.idleTimeout = idleTimeout
        self.writeTimeout = writeTimeout
        self.responseTimeout = responseTimeout
        self.shutdownGracePeriod = shutdownGracePeriod
        self.sourceDescription = sourceDescription
    }
}
