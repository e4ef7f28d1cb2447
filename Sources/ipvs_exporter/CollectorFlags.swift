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

    func isEnabled(_ id: CollectorID) -> Bool {
        toggles.last { $0.id == id }?.enabled ?? id.enabledByDefault
    }
}
