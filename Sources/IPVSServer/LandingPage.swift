import IPVSMetrics
import SystemSupport

/// The small HTML page at `/`, linking to the metrics (exporter convention).
public enum LandingPage {
    public static func html(telemetryPath: String, build: BuildInfo, source: String) -> String {
        let path = TextEscaping.html(telemetryPath)
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
            <p>Version \(TextEscaping.html(build.version)), revision <code>\(TextEscaping.html(build.revision))</code>, reading IPVS through \(TextEscaping.html(source)).</p>
            </body>
            </html>

            """
    }
}
