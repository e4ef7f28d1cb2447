import IPVSMetrics
import SystemSupport

/// The small HTML page at `/`, linking to the metrics (exporter convention).
public enum LandingPage {
    /// - Parameter lastRead: how the last scrape read IPVS: `netlink`, `procfs`, `nil` when it
    ///   could not, absent (`.none`) before the first scrape.
    public static func html(telemetryPath: String, build: BuildInfo, source: String, lastRead: String?? = .none) -> String {
        let path = TextEscaping.html(telemetryPath)
        let reading: String
        switch lastRead {
        case .none: reading = "set to read IPVS through \(TextEscaping.html(source)); no scrape yet"
        case .some(.none): reading = "set to read IPVS through \(TextEscaping.html(source)); the last scrape could not read it"
        case .some(.some(let used)):
            reading =
                used == source
                ? "reading IPVS through \(TextEscaping.html(used))"
                : "reading IPVS through \(TextEscaping.html(used)) (\(TextEscaping.html(source)))"
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>IPVS Exporter</title>
            <style>body{font-family:sans-serif;max-width:48em;margin:2em auto;line-height:1.5}code{background:#eee;padding:0 .2em}</style>
            </head>
            <body>
            <h1>IPVS Exporter</h1>
            <p>Prometheus metrics for Linux IPVS (LVS): virtual services, real servers, connections and rates.</p>
            <ul>
            <li><a href="\(path)">Metrics</a> (<code>\(path)</code>)</li>
            </ul>
            <p>Version \(TextEscaping.html(build.version)), revision <code>\(TextEscaping.html(build.revision))</code>, \(reading).</p>
            </body>
            </html>

            """
    }
}
