import ArgumentParser
import IPVSMetrics

/// One of the two flags of a collector.
struct CollectorToggle: EnumerableFlag, Hashable {
    var id: CollectorID
    var enabled: Bool

    static var allCases: [CollectorToggle] {
        CollectorID.allCases.filter(\.hasToggle).flatMap {
            [CollectorToggle(id: $0, enabled: true), CollectorToggle(id: $0, enabled: false)]
        }
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
