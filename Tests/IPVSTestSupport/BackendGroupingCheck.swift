/// What `--collector.backends.labels` must do, checked from outside: a scrape with some labels
/// kept against the same state scraped with all of them. The expectation is computed here from
/// the full scrape's samples (project each series onto the kept labels, then sum or merge), not
/// by the exporter's own grouping code.
public enum BackendGroupingCheck {
    /// The labels that name a real server.
    public static let backendLabels = ["proto", "local_address", "local_port", "local_mark", "remote_address", "remote_port"]

    /// Families whose rows are summed.
    public static let summed: Set<String> = [
        "ipvs_backend_weight", "ipvs_backend_connections_active", "ipvs_backend_connections_inactive",
        "ipvs_backend_connections_persistent", "ipvs_backend_connections_total", "ipvs_backend_incoming_packets_total",
        "ipvs_backend_outgoing_packets_total", "ipvs_backend_incoming_bytes_total", "ipvs_backend_outgoing_bytes_total",
        "ipvs_backend_connections_per_second", "ipvs_backend_incoming_packets_per_second",
        "ipvs_backend_outgoing_packets_per_second", "ipvs_backend_incoming_bytes_per_second",
        "ipvs_backend_outgoing_bytes_per_second", "ipvs_connections", "ipvs_persistence_templates",
    ]
    /// Info families: one series per distinct projection, always 1.
    public static let merged: Set<String> = ["ipvs_backend_info", "ipvs_backend_tunnel_info"]
    /// Per-server settings, left out of summed rows.
    public static let dropped: Set<String> = ["ipvs_backend_upper_threshold", "ipvs_backend_lower_threshold"]

    /// One line per difference; empty when `grouped` is `full` with only `kept` of the real
    /// server labels.
    public static func differences(full: [ExpositionSample], grouped: [ExpositionSample], kept: [String]) -> [String] {
        let dropping = Set(backendLabels).subtracting(kept)
        let realServerFamilies = summed.union(merged).union(dropped)
        func key(_ sample: ExpositionSample) -> String {
            let projected = realServerFamilies.contains(sample.name)
            let labels = sample.labels.filter { !projected || !dropping.contains($0.key) }
            return sample.name + "{" + labels.keys.sorted().map { "\($0)=\"\(labels[$0]!)\"" }.joined(separator: ",") + "}"
        }
        var expected: [String: String] = [:]
        var sums: [String: Int128] = [:]
        var problems: [String] = []
        for sample in full where sample.name != "ipvs_scrape_collector_duration_seconds" {
            if summed.contains(sample.name) {
                guard let value = Int128(sample.value) else {
                    problems.append("\(sample.name)\(sample.labelText): \(sample.value) is not an integer")
                    continue
                }
                sums[key(sample), default: 0] += value
            } else if merged.contains(sample.name) {
                expected[key(sample)] = "1"
            } else if dropped.contains(sample.name) {
                if dropping.isEmpty { expected[key(sample)] = sample.value }
            } else {
                expected[key(sample)] = sample.value
            }
        }
        for (key, sum) in sums { expected[key] = String(sum) }
        var actual: [String: String] = [:]
        for sample in grouped where sample.name != "ipvs_scrape_collector_duration_seconds" {
            let key = key(sample)
            if actual[key] != nil { problems.append("\(key) appears twice") }
            actual[key] = sample.value
        }
        for key in Set(expected.keys).union(actual.keys).sorted() where expected[key] != actual[key] {
            problems.append("\(key): expected \(expected[key] ?? "no series"), served \(actual[key] ?? "no series")")
        }
        return problems
    }
}
