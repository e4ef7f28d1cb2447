import IPVSMetrics

/// Reads `Accept` and `Accept-Encoding` the way Prometheus sends them.
///
/// Prometheus asks for `application/openmetrics-text;version=1.0.0,…,text/plain;version=0.0.4;q=0.5,*/*;q=0.1`;
/// the media range with the highest q that the exporter can write wins, OpenMetrics on a tie.
public enum ContentNegotiation {
    public static func format(accept: String?) -> ExpositionFormat {
        guard let accept, !accept.isEmpty else { return .prometheusText }
        var bestText = -1.0
        var bestOpenMetrics = -1.0
        for range in accept.split(separator: ",") {
            let parts = range.split(separator: ";").map { $0.trimmingSpaces }
            guard let type = parts.first?.lowercased() else { continue }
            var q = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces }
                if pair.count == 2, pair[0].lowercased() == "q", let value = Double(pair[1]) { q = value }
            }
            switch type {
            case "application/openmetrics-text": bestOpenMetrics = max(bestOpenMetrics, q)
            case "text/plain", "text/*", "*/*": bestText = max(bestText, q)
            default: continue
            }
        }
        if bestOpenMetrics > 0 && bestOpenMetrics >= bestText { return .openMetrics }
        return .prometheusText
    }

    /// True when the client accepts gzip (`gzip`, `x-gzip` or `*` with q > 0).
    public static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for coding in header.split(separator: ",") {
            let parts = coding.split(separator: ";").map { $0.trimmingSpaces }
            guard let name = parts.first?.lowercased(), name == "gzip" || name == "x-gzip" || name == "*" else { continue }
            var q = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces }
                if pair.count == 2, pair[0].lowercased() == "q", let value = Double(pair[1]) { q = value }
            }
            if q > 0 { return true }
        }
        return false
    }
}

extension Substring {
    var trimmingSpaces: String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
