import ArgumentParser
import NIOCore

/// A duration on the command line as Prometheus spells them: a whole number and a unit, `ms`,
/// `s`, `m` or `h` (`30s`, `2m`, `500ms`).
struct DurationArgument: ExpressibleByArgument, CustomStringConvertible {
    let amount: TimeAmount
    let description: String

    init?(argument: String) {
        let digits = argument.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let value = Int64(digits) else { return nil }
        let scale: Int64
        switch argument.dropFirst(digits.count) {
        case "ms": scale = 1_000_000
        case "s": scale = 1_000_000_000
        case "m": scale = 60_000_000_000
        case "h": scale = 3_600_000_000_000
        default: return nil
        }
        let (nanoseconds, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow, nanoseconds > 0 else { return nil }
        amount = .nanoseconds(nanoseconds)
        description = argument
    }

    var defaultValueDescription: String { description }

    /// The same span as a Swift `Duration`.
    var duration: Duration { .nanoseconds(amount.nanoseconds) }
}
