import ArgumentParser
import Glibc
import IPVSMetrics
import IPVSServer
import Logging
import WebConfig

/// `--collector.<name>` / `--no-collector.<name>`, one pair per ``CollectorID``, generated from
/// it: the last flag naming a collector wins, as with node_exporter.
struct CollectorFlags: ParsableArguments {
    @Flag var toggles: [CollectorToggle] = []

    @Flag(
        name: .customLong("collector.disable-defaults"),
        help: "Start with every collector off; only those named with --collector.<name> run (node_exporter's flag).")
    var disableDefaults = false

    func isEnabled(_ id: CollectorID) -> Bool {
        toggles.last { $0.id == id }?.enabled ?? (disableDefaults ? false : id.enabledByDefault)
    }
}
