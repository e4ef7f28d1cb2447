import Foundation

/// A real Prometheus (Debian's package) started for one test on loopback, asked through its
/// HTTP API. Stopped with ``stop()``.
public final class PrometheusServer {
    public let port: Int
    public let directory: String
    let process: RunningProcess

    /// Starts Prometheus on `configuration` (prometheus.yml text; `rule_files` may name absolute paths).
    public init(configuration: String) throws {
        directory = try Fixtures.temporaryDirectory("prometheus")
        try Fixtures.write(configuration, to: directory + "/prometheus.yml")
        port = try Processes.freePort()
        process = try RunningProcess(
            Processes.which("prometheus") ?? "/usr/bin/prometheus",
            [
                "--config.file=\(directory)/prometheus.yml", "--storage.tsdb.path=\(directory)/data",
                "--web.listen-address=127.0.0.1:\(port)",
            ])
    }

    public func stop() { process.stop() }

    public var log: [String] { process.log }

    /// What `/api/v1/query` answered: the status, the error if any, and the result vector.
    public struct Answer {
        public var status: String
        public var error: String?
        public var vector: [[String: Any]]
    }

    /// Runs an instant query. A query Prometheus rejects comes back with status "error".
    public func ask(_ promql: String) async throws -> Answer {
        let result = try await Processes.run(
            "/usr/bin/curl",
            ["-s", "--max-time", "20", "--data-urlencode", "query=\(promql)", "http://127.0.0.1:\(port)/api/v1/query"])
        guard let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] else {
            return Answer(status: "unreachable", error: "curl \(result.status): \(result.stderr)", vector: [])
        }
        let data = object["data"] as? [String: Any]
        return Answer(
            status: object["status"] as? String ?? "?", error: object["error"] as? String,
            vector: data?["result"] as? [[String: Any]] ?? [])
    }

    /// The result vector of an instant query, empty when it failed.
    public func query(_ promql: String) async throws -> [[String: Any]] { try await ask(promql).vector }

    public static func value(_ sample: [String: Any]) -> String? {
        (sample["value"] as? [Any])?.last as? String
    }

    public static func labels(_ sample: [String: Any]) -> [String: String] {
        sample["metric"] as? [String: String] ?? [:]
    }
}
