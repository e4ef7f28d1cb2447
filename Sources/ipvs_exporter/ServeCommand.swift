import ArgumentParser
import Glibc
import IPVSKernel
import IPVSMetrics
import IPVSServer
import Logging
import SystemSupport
import WebConfig

/// `ipvs_exporter serve`: flags in, a running HTTP server out. No logic beyond wiring.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve Prometheus metrics for the IPVS state of this host (the default).",
        discussion: """
            Metrics are read from the kernel at scrape time, never cached. On a host without IPVS the exporter still starts, serves ipvs_up 0 and logs why.

            Try it without IPVS on the bundled fixture tree:
              ipvs_exporter --web.listen-address 127.0.0.1:9911 \\
                --path.procfs Tests/Fixtures/kernel-6.1-lab/proc

            SIGTERM or SIGINT stop accepting connections, let scrapes in progress finish and exit 0; a second signal exits at once.
            """
    )

    @Option(
        name: .customLong("web.listen-address"),
        help: ArgumentHelp("Address to listen on; repeat for several. ':9911' means every address.", valueName: "host:port"))
    var listenAddresses: [String] = [":9911"]

    @Flag(
        name: .customLong("web.systemd-socket"),
        help:
            "Serve on the listening sockets systemd passes (socket activation, packaging/ipvs_exporter.socket) instead of --web.listen-address."
    )
    var systemdSocket = false

    @Option(name: .customLong("web.telemetry-path"), help: "Path under which metrics are served.")
    var telemetryPath = "/metrics"

    @Option(
        name: .customLong("web.max-requests"),
        help: "Scrapes served at once; more wait in line up to 5 s for a slot, then get 503. 0 means no limit.")
    var maxRequests = 40

    @Option(
        name: .customLong("web.write-timeout"),
        help: ArgumentHelp(
            "Close a connection whose client has not taken the next piece (256 KiB) of a response within this time: it stopped reading. Such a response holds no scrape slot while it waits. A number and a unit: ms, s, m or h.",
            valueName: "duration"))
    var writeTimeout = DurationArgument(argument: "30s")!

    @Option(
        name: .customLong("web.response-timeout"),
        help: ArgumentHelp(
            "Close a connection whose client has not taken the whole response within this time, however steadily it reads. A number and a unit: ms, s, m or h.",
            valueName: "duration"))
    var responseTimeout = DurationArgument(argument: "2m")!

    @Option(
        name: .customLong("web.config.file"),
        help: ArgumentHelp(
            "TLS, basic authentication and response headers, in Prometheus exporter-toolkit's format (tls_server_config, basic_auth_users, http_server_config.headers). A file that cannot be used stops the start; later changes to it or to its certificates apply within a second (a version that cannot be used is logged and the previous one stays; turning TLS on or off needs a restart).",
            valueName: "file"))
    var webConfigFile: String?

    @Flag(
        name: .customLong("web.disable-exporter-metrics"),
        help: "Leave out the exporter's own process_* and ipvs_exporter_http_* metrics.")
    var disableExporterMetrics = false

    @Option(
        name: .customLong("ipvs.source"),
        help: ArgumentHelp(
            "Where IPVS state is read: netlink (everything; needs CAP_NET_ADMIN), procfs (no privileges, less detail), or auto (netlink, falling back to procfs when refused).",
            valueName: "auto|netlink|procfs"))
    var source: SourceArgument = .auto

    @Option(
        name: .customLong("netns"),
        help: ArgumentHelp(
            "Read the IPVS state of this network namespace (/var/run/netns/NAME or /proc/PID/ns/net); needs CAP_SYS_ADMIN.",
            valueName: "path"))
    var netns: String?

    @Option(name: .customLong("path.procfs"), help: "procfs mount point; point it at a fixture tree to try the exporter.")
    var procfsPath = "/proc"

    @Option(
        name: .customLong("path.boot"),
        help: "Where config-<kernel release> is looked up to learn CONFIG_HZ (for /proc persistence timeouts).")
    var bootPath = "/boot"

    @Option(
        name: .customLong("netlink.replay"),
        help: ArgumentHelp(
            "Serve the replies a `netlink-dump --out DIR` recorded instead of asking the kernel (reproduces a bug report's scrape; /proc still comes from --path.procfs).",
            valueName: "dir"))
    var netlinkReplay: String?

    @Option(
        name: .customLong("collector.connections.max-entries"),
        help: ArgumentHelp(
            "Do not read /proc/net/ip_vs_conn when the real servers' connection counts say it holds more entries than this: on most kernels each read of it costs time growing with the square of its size. The scrape then reports ipvs_scrape_collector_success{collector=\"connections\"} 0 and the estimate in ipvs_connection_table_estimated_entries. 0 means no limit.",
            valueName: "entries"))
    var connectionsMaxEntries = CollectorOptions.defaultConnectionsMaxEntries

    @Option(
        name: .customLong("collector.connections.timeout"),
        help: ArgumentHelp(
            "Abandon a read of /proc/net/ip_vs_conn that takes longer than this. A number and a unit: ms, s, m or h.",
            valueName: "duration"))
    var connectionsTimeout = DurationArgument(argument: "5s")!

    @OptionGroup(title: "Collectors")
    var collectors: CollectorFlags

    @Option(
        name: .customLong("collector.services.include"),
        help: ArgumentHelp(
            "Serve only the virtual services this regular expression matches (unanchored), in every collector. It is matched against ipvsadm's spelling of each service: 'TCP 10.0.0.1:80', 'UDP [2001:db8::1]:53', 'FWM 1000', 'FWM 1000 IPv6'.",
            valueName: "regex"))
    var servicesInclude: String?

    @Option(
        name: .customLong("collector.services.exclude"),
        help: ArgumentHelp(
            "Leave out the virtual services this regular expression matches (unanchored; the same spelling as --collector.services.include, applied after it).",
            valueName: "regex"))
    var servicesExclude: String?

    @Option(
        name: .customLong("collector.backends.labels"),
        help: ArgumentHelp(
            "Sum the real-server series (backends, rates and connections collectors) over the real servers that share these labels, and keep only them: of proto,local_address,local_port,local_mark,remote_address,remote_port (all by default: one series per real server). 'proto,local_address,local_port,local_mark' gives one series per service; empty gives one per family. Counts, weights and traffic are summed, thresholds left out; a real server leaving makes a summed counter drop, which rate() reads as a reset.",
            valueName: "labels"))
    var backendsLabels: String?

    @Flag(
        name: .customLong("compat.node-exporter"),
        help:
            "Also serve node_exporter's node_ipvs_* families exactly as its ipvs collector does, so dashboards and alerts built on node_exporter keep working (reads /proc/net/ip_vs and ip_vs_stats in either source mode)."
    )
    var compatNodeExporter = false

    @Option(
        name: .customLong("collector.ipvs.backend-labels"),
        help: ArgumentHelp(
            "With --compat.node-exporter: node_exporter's flag, with its meaning. The node_ipvs_backend_* series keep only these labels (of local_address,local_port,remote_address,remote_port,proto,local_mark; all by default) and sum the real servers that share them, weights included; empty gives one series per family.",
            valueName: "labels"))
    var nodeExporterBackendLabels: String?

    @Option(name: .customLong("log.level"), help: "Only log messages of this level or above: debug, info, warn, error.")
    var logLevel: LogLevelArgument = .info

    @Option(name: .customLong("log.format"), help: "Log line format: logfmt or json.")
    var logFormat: LogFormatArgument = .logfmt

    func validate() throws {
        for address in listenAddresses {
            do throws(ListenAddress.ParseError) { _ = try ListenAddress(parsing: address) } catch {
                throw ValidationError(error.description)
            }
        }
        guard telemetryPath.hasPrefix("/") else {
            throw ValidationError("--web.telemetry-path must start with \"/\" (got \"\(telemetryPath)\")")
        }
        guard maxRequests >= 0 else { throw ValidationError("--web.max-requests must be 0 or more") }
        guard connectionsMaxEntries >= 0 else {
            throw ValidationError("--collector.connections.max-entries must be 0 (no limit) or more")
        }
        do throws(ServiceFilter.InvalidPattern) {
            _ = try ServiceFilter(include: servicesInclude, exclude: servicesExclude)
        } catch {
            throw ValidationError(error.description)
        }
        if let backendsLabels {
            do throws(BackendLabel.UnknownNames) { _ = try BackendLabel.parse(backendsLabels) } catch {
                throw ValidationError("--collector.backends.labels: \(error)")
            }
        }
        if let nodeExporterBackendLabels {
            guard compatNodeExporter else {
                throw ValidationError(
                    "--collector.ipvs.backend-labels shapes node_exporter's node_ipvs_* families; add --compat.node-exporter to serve them"
                )
            }
            do throws(BackendLabel.UnknownNames) {
                _ = try BackendLabel.parse(nodeExporterBackendLabels)
            } catch {
                throw ValidationError("--collector.ipvs.backend-labels: \(error)")
            }
        }
    }

    func run() async throws {
        let level = logLevel.level
        let format = logFormat.format
        LoggingSystem.bootstrap { label in LogFormatHandler(label: label, format: format, level: level) }
        let logger = Logger(label: "ipvs_exporter")

        var namespace: NetworkNamespace?
        if let netns {
            do throws(NetworkNamespace.Error) { namespace = try NetworkNamespace(path: netns) } catch {
                logger.error("cannot use the network namespace", metadata: ["error": "\(error)"])
                throw ExitCode(1)
            }
        }
        // Inside another namespace the reading thread's view is /proc/thread-self/net.
        let procfs = ProcFS(root: procfsPath, netDirectory: netns == nil ? "net" : "thread-self/net")
        let hz = KernelHZ.detect(procfs: procfs, bootDirectory: bootPath)
        if let hz {
            logger.debug("kernel tick rate known", metadata: ["hz": "\(hz.hz)", "from": "\(hz.source)"])
        } else if source != .netlink && netlinkReplay == nil {
            logger.info(
                "CONFIG_HZ unknown (no \(procfs.path("config.gz")), no kernel config under \(bootPath)); persistence timeouts from /proc are left out"
            )
        }
        let reader: any IPVSStateReader
        if let netlinkReplay {
            do throws(FileError) {
                reader = NetlinkStateReader(replay: try NetlinkReplay(directory: netlinkReplay))
            } catch {
                logger.error("cannot read the recorded netlink replies", metadata: ["error": "\(error)"])
                throw ExitCode(1)
            }
            logger.warning("serving recorded netlink replies, not the kernel's state", metadata: ["replay": "\(netlinkReplay)"])
        } else {
            reader = Self.reader(source, procfs: ProcFSStateReader(procfs: procfs, hz: hz), logger: logger)
        }
        let sourceDescription = netlinkReplay.map { "netlink replay of \($0)" } ?? source.rawValue
        let options = CollectorOptions(
            connectionsMaxEntries: connectionsMaxEntries == 0 ? nil : connectionsMaxEntries,
            connectionsTimeBudget: connectionsTimeout.duration,
            nodeExporterBackendLabels: (try? nodeExporterBackendLabels.map(BackendLabel.parse))
                ?? BackendLabel.allCases,
            backendGrouping: BackendGrouping(keeping: (try? backendsLabels.map(BackendLabel.parse)) ?? BackendLabel.allCases),
            rateScopes: Set(RatesCollector.Scope.allCases.filter { collectors.isEnabled($0.collector) }))
        let enabled = CollectorID.allCases.filter { $0 == .nodeExporter ? compatNodeExporter : collectors.isEnabled($0) }
            .map { $0.collector(options) }
        let filter =
            servicesInclude == nil && servicesExclude == nil
            ? nil : try? ServiceFilter(include: servicesInclude, exclude: servicesExclude)
        let scraper = Scraper(
            collectors: enabled, procfs: procfs, reader: reader, exporterMetrics: !disableExporterMetrics, namespace: namespace,
            serviceFilter: filter)
        let endpoint = ScrapeEndpoint(scraper: scraper, logger: logger)
        // One line at start-up saying whether IPVS can be read, rather than waiting for a scrape.
        endpoint.checkAtStartup()
        logger.info(
            "starting ipvs_exporter",
            metadata: [
                "version": "\(BuildInfo.current.version)", "revision": "\(BuildInfo.current.revision)",
                "source": "\(sourceDescription)", "collectors": "\(enabled.map(\.name).sorted().joined(separator: ","))",
                "netns": "\(netns ?? "-")",
            ])

        var configuration = ServerConfiguration(
            listenAddresses: try listenAddresses.map { try ListenAddress(parsing: $0) }, telemetryPath: telemetryPath,
            maxRequests: maxRequests, writeTimeout: writeTimeout.amount, responseTimeout: responseTimeout.amount,
            sourceDescription: sourceDescription)
        if systemdSocket {
            do throws(SystemdSockets.Missing) { configuration.inheritedSockets = try SystemdSockets.take() } catch {
                logger.error("cannot use systemd's sockets", metadata: ["error": "\(error)"])
                throw ExitCode(1)
            }
        }
        if let webConfigFile {
            do throws(WebConfigurationError) {
                configuration.web = try WebConfigurationSource(path: webConfigFile, logger: logger)
            } catch {
                logger.error("cannot use --web.config.file", metadata: ["error": "\(error)"])
                throw ExitCode(1)
            }
        }
        let server = HTTPServer(configuration: configuration, endpoint: endpoint, logger: logger)
        let waiter = SignalWaiter { second in
            Logger(label: "ipvs_exporter").warning(
                "second signal; exiting now", metadata: ["signal": "\(SignalWaiter.name(second))"])
            Glibc.exit(1)
        }
        do {
            _ = try await server.start()
        } catch let error as ListenError {
            logger.error("cannot listen", metadata: ["address": "\(error.address)", "error": "\(error.reason)"])
            await server.shutdown()
            throw ExitCode(1)
        } catch {
            logger.error("cannot listen", metadata: ["error": "\(error)"])
            await server.shutdown()
            throw ExitCode(1)
        }
        var signals = waiter.signals.makeAsyncIterator()
        let first = await signals.next() ?? SIGTERM
        logger.info("shutting down", metadata: ["signal": "\(SignalWaiter.name(first))"])
        await server.shutdown()
        logger.info("stopped")
    }
}

extension ServeCommand {
    static func reader(_ source: SourceArgument, procfs: ProcFSStateReader, logger: Logger) -> any IPVSStateReader {
        switch source {
        case .procfs:
            return procfs
        case .netlink:
            return NetlinkStateReader()
        case .auto:
            return AutoStateReader(netlink: NetlinkStateReader(), procfs: procfs) { reason in
                logger.warning(
                    "netlink refused; reading /proc from now on, with less detail (give the exporter CAP_NET_ADMIN for everything)",
                    metadata: ["reason": "\(reason)"])
            }
        }
    }
}
