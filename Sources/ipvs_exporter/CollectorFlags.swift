import SystemSupport
import ArgumentParser
import Glibc
import IPVSKernel
import IPVSMetrics
import IPVSServer
import WebConfig
import Logging

/// `--collector.<name>` / `--no-collector.<name>`, one pair per ``CollectorID``, generated from
/// it: the last flag naming a collector wins, as with node_exporter.
struct CollectorFlags: ParsableArguments {
    @Flag var toggles: [CollectorToggle] = []

    func isEnabled(_ id: CollectorID) -> Bool {
        toggles.last { $0.id == id }?.enabled ?? id.enabledByDefault
    }
}

/// One of the two flags of a collector.
struct CollectorToggle: EnumerableFlag, Hashable {
    var id: CollectorID
    var enabled: Bool

    static var allCases: [CollectorToggle] {
        CollectorID.allCases.flatMap { [CollectorToggle(id: $0, enabled: true), CollectorToggle(id: $0, enabled: false)] }
    }

    static func name(for value: CollectorToggle) -> NameSpecification {
        .customLong((value.enabled ? "collector." : "no-collector.") + value.id.name)
    }

    static func help(for value: CollectorToggle) -> ArgumentHelp? {
        let state = value.id.enabledByDefault ? "on" : "off"
        return value.enabled
            ? ArgumentHelp("\(value.id.summary) (default: \(state); --no-collector.\(value.id.name) turns it off)")
            : ArgumentHelp(visibility: .hidden)
    }
}
