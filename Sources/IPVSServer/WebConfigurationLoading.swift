public import Logging
import NIOCore
public import NIOSSL
import Synchronization
import SystemSupport
public import WebConfig

/// What `--web.config.file` sets, taken whole: a TLS handshake uses the snapshot of when the
/// connection opened, a request the one of when it arrived.
public struct WebSettings: Sendable {
    /// `tls_server_config`, built: HTTPS instead of HTTP.
    public var tls: NIOSSLContext?
    /// `basic_auth_users`: every request must carry one of them.
    public var authentication: BasicAuthentication?
    /// `http_server_config.headers`: added to every response.
    public var headers: [(name: String, value: String)] = []

    public init() {}

    init(_ web: WebConfiguration, configurationPath path: String) throws(WebConfigurationError) {
        if let tls = web.tls { self.tls = try TLSContextFactory.make(tls, configurationPath: path) }
        if !web.basicAuthUsers.isEmpty { authentication = BasicAuthentication(users: web.basicAuthUsers) }
        headers = web.headers
    }

    /// What the log says of them when they are applied, at start or on a reload.
    fileprivate func logMetadata(file: String) -> Logger.Metadata {
        ["file": "\(file)", "tls": "\(tls != nil)", "basic_auth": "\(authentication != nil)", "headers": "\(headers.count)"]
    }

    static func parse(_ path: String) throws(WebConfigurationError) -> WebConfiguration {
        let bytes: [UInt8]
        do { bytes = try Files.read(path, limit: 1 << 20) } catch {
            throw WebConfigurationError(path: path, line: nil, column: nil, message: "cannot be read: \(error)")
        }
        return try WebConfiguration.parse(String(decoding: bytes, as: UTF8.self), path: path)
    }

    /// The files it was built from besides the configuration itself.
    static func referencedFiles(_ web: WebConfiguration) -> [String] {
        guard let tls = web.tls else { return [] }
        return [tls.certificateFile, tls.keyFile] + (tls.clientCAFile.map { [$0] } ?? [])
    }
}

/// `--web.config.file`, kept current: certificates are renewed (cert-manager, ACME clients) and
/// passwords changed without restarting the exporter, as with exporter-toolkit, which re-reads
/// the file for every request.
///
/// Here the file and the certificates it names are stat'ed at most once a second, when a
/// connection opens or a request arrives, and read again only when one of them changed. A
/// version that cannot be used is logged once with file:line and why, and the last good one
/// stays in force: a typo in a rotation must not open the exporter to everyone or shut it to
/// Prometheus. Turning TLS on or off needs a restart (it decides what a connection speaks).
public final class WebConfigurationSource: Sendable {
    public let path: String
    private let logger: Logger
    private let recheckInterval: TimeAmount

    private struct State {
        var settings: WebSettings
        /// Paths whose change means re-reading, with what they were when last read.
        var watched: [Watched]
        var lastCheck: NIODeadline
    }
    private let state: Mutex<State>

    /// Reads the file now; it must be usable.
    public init(path: String, logger: Logger, recheckInterval: TimeAmount = .seconds(1)) throws(WebConfigurationError) {
        self.path = path
        self.logger = logger
        self.recheckInterval = recheckInterval
        let (outcome, watched) = Self.read(path)
        let settings = try outcome.get()
        state = Mutex(State(settings: settings, watched: watched, lastCheck: .now()))
        logger.info("web configuration applied", metadata: settings.logMetadata(file: path))
    }

    /// The settings in force, read again first if a file changed since.
    public func current() -> WebSettings {
        let now = NIODeadline.now()
        let due: [Watched]? = state.withLock { state in
            guard now - state.lastCheck >= recheckInterval else { return nil }
            state.lastCheck = now
            return state.watched
        }
        guard let due else { return state.withLock { $0.settings } }
        let changed = due.contains { Files.stamp($0.path) != $0.stamp }
        guard changed else { return state.withLock { $0.settings } }
        return reload()
    }

    /// The file's settings, and what to watch from now on: the file and the certificates it
    /// names, stamped before reading so that a write during the read is seen at the next check.
    /// When the file itself cannot be read, `otherwise` are watched besides it.
    private static func read(_ path: String, otherwise: [String] = []) -> (Result<WebSettings, WebConfigurationError>, [Watched])
    {
        var watched = stamps([path])
        let web: WebConfiguration
        do throws(WebConfigurationError) { web = try WebSettings.parse(path) } catch {
            return (.failure(error), watched + stamps(otherwise))
        }
        watched += stamps(WebSettings.referencedFiles(web))
        do throws(WebConfigurationError) {
            return (.success(try WebSettings(web, configurationPath: path)), watched)
        } catch {
            return (.failure(error), watched)
        }
    }

    /// Reads the file and its certificates again. Whatever the outcome, the files as they are
    /// now become the reference, so that a broken version is reported once, not at every check.
    private func reload() -> WebSettings {
        let certificates = state.withLock { Array($0.watched.dropFirst().map(\.path)) }
        let (outcome, watched) = Self.read(path, otherwise: certificates)
        enum Verdict { case applied(WebSettings), tlsSwitched, unusable(WebConfigurationError) }
        let (verdict, settings): (Verdict, WebSettings) = state.withLock { state in
            state.watched = watched
            switch outcome {
            case .success(let settings):
                guard (settings.tls == nil) == (state.settings.tls == nil) else { return (.tlsSwitched, state.settings) }
                state.settings = settings
                return (.applied(settings), settings)
            case .failure(let error):
                return (.unusable(error), state.settings)
            }
        }
        switch verdict {
        case .applied(let settings):
            logger.info("web configuration reloaded", metadata: settings.logMetadata(file: path))
        case .tlsSwitched:
            logger.error(
                "--web.config.file changed, not applied: turning TLS on or off needs a restart; the previous settings stay",
                metadata: ["file": "\(path)"])
        case .unusable(let error):
            logger.error(
                "--web.config.file changed but cannot be used; the previous settings stay", metadata: ["error": "\(error)"])
        }
        return settings
    }

    typealias Watched = (path: String, stamp: FileStamp?)

    private static func stamps(_ paths: [String]) -> [Watched] {
        paths.map { ($0, Files.stamp($0)) }
    }
}
