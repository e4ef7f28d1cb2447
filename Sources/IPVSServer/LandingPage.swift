import IPVSMetrics

/// The small HTML page at `/`, linking to the metrics (exporter convention).
public enum LandingPage {
    public static func html(telemetryPath: String, build: BuildInfo, source: String) -> String {
        let path = escape(telemetryPath)
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
            <p>Version \(escape(build.version)), revision <code>\(escape(build.revision))</code>, reading IPVS through \(escape(source)).</p>
            </body>
            </html>

            """
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
