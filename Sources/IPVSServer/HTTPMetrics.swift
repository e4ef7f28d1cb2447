import IPVSMetrics
import Synchronization

/// The exporter's own HTTP traffic (`ipvs_exporter_http_*`), served with every scrape: who
/// asked for what and what they got, requests in progress, and refusals by reason, so a
/// Prometheus that scrapes too often or a client guessing passwords shows on a graph and not
/// only in the log.
final class HTTPMetrics: Sendable {
    /// Why a request was answered with a refusal or its connection closed early.
    enum Refusal: String, CaseIterable, Sendable {
        /// 503: every scrape slot stayed busy for the whole wait (`--web.max-requests`).
        case maxRequests = "max_requests"
        /// 429: unverified credentials while the password checks were full.
        case passwordChecks = "password_checks"
        /// 413: a request body larger than the exporter reads.
        case bodyTooLarge = "body_too_large"
        /// The request did not arrive whole in time (a slowloris).
        case requestTimeout = "request_timeout"
        /// The client stopped taking the response (`--web.write-timeout`).
        case writeTimeout = "write_timeout"
        /// The client did not take the whole response in time (`--web.response-timeout`).
        case responseTimeout = "response_timeout"
    }

    private struct Key: Hashable {
        var path: String
        var code: UInt
    }

    private struct State {
        var requests: [Key: UInt64] = [:]
        var inFlight = 0
        var refusals: [Refusal: UInt64] = [:]
    }

    private let state = Mutex(State())
    /// The paths the exporter serves; every other path is counted as `other`, so a scanner
    /// cannot grow the series without bound.
    let knownPaths: Set<String>

    init(telemetryPath: String) {
        knownPaths = [telemetryPath, "/", "/-/healthy", "/-/ready"]
    }

    func pathLabel(_ path: String) -> String { knownPaths.contains(path) ? path : "other" }

    func started() { state.withLock { $0.inFlight += 1 } }
    func ended() { state.withLock { $0.inFlight -= 1 } }

    func answered(path: String, code: UInt) {
        state.withLock { $0.requests[Key(path: path, code: code), default: 0] += 1 }
    }

    func refused(_ reason: Refusal) {
        state.withLock { $0.refusals[reason, default: 0] += 1 }
    }

    /// The three families as of now. Every refusal reason is served from 0, so that `rate()`
    /// and `increase()` see the first one.
    func families() -> [MetricFamily] {
        let now = state.withLock { $0 }
        let requests = now.requests.sorted { ($0.key.path, $0.key.code) < ($1.key.path, $1.key.code) }.map {
            (Labels(["path", "code"], [$0.key.path, String($0.key.code)]), SampleValue.unsigned($0.value))
        }
        return [
            MetricFamily(MetricCatalog.httpRequests, samples: requests),
            MetricFamily(MetricCatalog.httpRequestsInFlight, value: .signed(Int64(now.inFlight))),
            MetricFamily(
                MetricCatalog.httpRefusals,
                samples: Refusal.allCases.map { (Labels(["reason"], [$0.rawValue]), .unsigned(now.refusals[$0] ?? 0)) }),
        ]
    }
}
