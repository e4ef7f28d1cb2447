import IPVSMetrics
public import Logging
public import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// The exporter's HTTP server: `/metrics`, a landing page at `/`, 404 elsewhere.
///
/// Plain swift-nio: two routes do not need a framework, and every CI run rebuilds dependencies
/// from scratch. Scrapes run on a thread pool because reading /proc and netlink blocks.
public final class HTTPServer: Sendable {
    let configuration: ServerConfiguration
    let endpoint: ScrapeEndpoint
    let logger: Logger
    let build: BuildInfo
    let group: MultiThreadedEventLoopGroup
    let threadPool: NIOThreadPool
    /// Scrapes asking while a collection runs join it.
    let collections = SharedCollection()
    /// bcrypt checks, apart from the scrapes' pool.
    let authentication = AuthenticationGate()
    /// Scrape slots taken (`--web.max-requests`).
    private let inFlight: BoundedCounter
    let draining = Atomic<Bool>(false)
    /// `ipvs_exporter_http_*`.
    let httpMetrics: HTTPMetrics
    private let listeners = Mutex<[any Channel]>([])
    private let connections = Mutex<[ObjectIdentifier: any Channel]>([:])

    public init(configuration: ServerConfiguration, endpoint: ScrapeEndpoint, build: BuildInfo = .current, logger: Logger) {
        self.configuration = configuration
        self.endpoint = endpoint
        self.logger = logger
        self.build = build
        self.inFlight = BoundedCounter(limit: configuration.maxRequests)
        self.httpMetrics = HTTPMetrics(telemetryPath: configuration.telemetryPath)
        // One event loop is plenty: requests are few, and the work happens on the pool.
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.threadPool = NIOThreadPool(numberOfThreads: 2)
        self.threadPool.start()
    }

    /// Binds every listen address and returns the addresses actually bound (port 0 becomes a
    /// real port).
    public func start() async throws -> [SocketAddress] {
        var channels: [any Channel] = []
        if configuration.inheritedSockets.isEmpty {
            for address in configuration.listenAddresses { channels.append(try await bind(address)) }
        } else {
            // Socket activation: systemd bound them (and owns their options); only adopt.
            for descriptor in configuration.inheritedSockets {
                do {
                    channels.append(try await bootstrap().withBoundSocket(descriptor).get())
                } catch {
                    throw ListenError(systemdSocket: descriptor, underlying: error)
                }
            }
        }
        var bound: [SocketAddress] = []
        for channel in channels {
            listeners.withLock { $0.append(channel) }
            if let local = channel.localAddress {
                bound.append(local)
                logger.info(
                    "listening",
                    metadata: [
                        "address": "\(Self.describe(local))",
                        "from": "\(configuration.inheritedSockets.isEmpty ? "flag" : "systemd")",
                    ])
            }
        }
        return bound
    }

    private func bind(_ address: ListenAddress) async throws -> any Channel {
        let bootstrap = bootstrap()
        do {
            if let host = address.host {
                return try await bootstrap.bind(host: host, port: address.port).get()
            }
            // Every address: the IPv6 wildcard also takes IPv4 (bindv6only=0); without IPv6, IPv4 only.
            do {
                return try await bootstrap.bind(host: "::", port: address.port).get()
            } catch {
                return try await bootstrap.bind(host: "0.0.0.0", port: address.port).get()
            }
        } catch {
            throw ListenError(address: address, underlying: error)
        }
    }

    private func bootstrap() -> ServerBootstrap {
        ServerBootstrap(group: group)
            // Deep enough for a burst of connections (a flood, or many Prometheus replicas at
            // once): with 256, 1,000 clients arriving together overflowed it, and the kernel
            // dropped SYNs that came back seconds later. The kernel caps it at somaxconn.
            .serverChannelOption(.backlog, value: 4096)
            .serverChannelOption(.maxMessagesPerRead, value: 16)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.tcpOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 4)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.configureHTTPServerPipeline(withErrorHandling: true)
                    try sync.addHandler(RequestStartWatcher(), position: .first)
                    let settings = webSettings()
                    try sync.addHandler(HTTPHandler(server: self, settings: settings))
                    if let tls = settings.tls {
                        try sync.addHandler(NIOSSLServerHandler(context: tls), position: .first)
                    }
                }
            }
    }

    /// The `--web.config.file` settings in force now.
    func webSettings() -> WebSettings {
        configuration.web?.current() ?? WebSettings()
    }

    /// `127.0.0.1:9911`, `[::]:9911`.
    static func describe(_ address: SocketAddress) -> String {
        guard let ip = address.ipAddress, let port = address.port else { return "\(address)" }
        return ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    func register(_ channel: any Channel) {
        connections.withLock { $0[ObjectIdentifier(channel)] = channel }
    }

    func unregister(_ channel: any Channel) {
        connections.withLock { $0[ObjectIdentifier(channel)] = nil }
    }

    /// Stops accepting, lets scrapes in progress finish (up to the grace period), closes idle
    /// connections, then stops the event loop and the thread pool.
    public func shutdown() async {
        draining.store(true, ordering: .sequentiallyConsistent)
        let listening = listeners.withLock { channels in
            defer { channels.removeAll() }
            return channels
        }
        for channel in listening {
            try? await channel.close()
        }
        for channel in connections.withLock({ Array($0.values) }) {
            channel.pipeline.fireUserInboundEventTriggered(DrainEvent())
        }
        let deadline = NIODeadline.now() + configuration.shutdownGracePeriod
        while connections.withLock({ !$0.isEmpty }) && NIODeadline.now() < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        for channel in connections.withLock({ Array($0.values) }) {
            try? await channel.close()
        }
        try? await threadPool.shutdownGracefully()
        await authentication.shutdown()
        try? await group.shutdownGracefully()
    }

    /// Reserves a scrape slot, or returns false when `maxRequests` are already running.
    private func acquireScrapeSlot() -> Bool {
        inFlight.tryIncrement()
    }

    func releaseScrapeSlot() {
        inFlight.decrement()
        grantWaiting()
    }

    private let scrapeRefusals = RefusalCounter()
    private let authenticationRefusals = RefusalCounter()

    /// Logs scrapes refused for the limit, the first at once and then the count once a minute.
    func reportRefusal() {
        httpMetrics.refused(.maxRequests)
        guard let count = scrapeRefusals.record() else { return }
        logger.warning(
            "scrapes refused: every slot was busy for the whole wait (--web.max-requests)",
            metadata: [
                "limit": "\(configuration.maxRequests)", "refused": "\(count)",
                "waited": "\(configuration.queueTimeout.nanoseconds / 1_000_000) ms",
            ])
    }

    /// Logs credentials refused unchecked because the authentication gate was full.
    func reportAuthenticationRefusal() {
        httpMetrics.refused(.passwordChecks)
        guard let count = authenticationRefusals.record() else { return }
        logger.warning(
            "unverified credentials refused with 429: password checks already pending (a client guessing passwords?)",
            metadata: ["pending_limit": "\(AuthenticationGate.maximumPending)", "refused": "\(count)"])
    }

    /// Scrapes waiting for a slot, oldest first.
    private let waiting = Mutex<[(id: UInt64, grant: @Sendable () -> Void)]>([])
    private let nextWaiter = Atomic<UInt64>(0)

    /// Runs `grant` once a slot is reserved: now, or when one frees, in arrival order. Returns
    /// the ticket to pass to ``cancelWait(_:)``, or nil when the slot was free at once.
    func acquireScrapeSlot(orWait grant: @escaping @Sendable () -> Void) -> UInt64? {
        if acquireScrapeSlot() {
            grant()
            return nil
        }
        let id = nextWaiter.wrappingAdd(1, ordering: .relaxed).newValue
        waiting.withLock { $0.append((id, grant)) }
        // A slot may have been released between the failed reservation and the append.
        grantWaiting()
        return id
    }

    /// Leaves the line; false when the slot was already granted.
    func cancelWait(_ id: UInt64) -> Bool {
        waiting.withLock { line in
            guard let index = line.firstIndex(where: { $0.id == id }) else { return false }
            line.remove(at: index)
            return true
        }
    }

    private func grantWaiting() {
        while true {
            let next: (@Sendable () -> Void)? = waiting.withLock { line in
                guard !line.isEmpty, acquireScrapeSlot() else { return nil }
                return line.removeFirst().grant
            }
            guard let next else { return }
            next()
        }
    }
}

/// Sent to every connection when shutdown starts.
struct DrainEvent {}
