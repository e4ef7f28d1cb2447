import NIOCore
import Synchronization

/// Counts refusals so that a flood is logged as one line at once and then at most one line a
/// minute with the count, instead of a line per refused request.
final class RefusalCounter: Sendable {
    private let state = Mutex<(count: Int, lastLog: NIODeadline?)>((0, nil))

    /// Records one refusal; returns how many to report when a line is due, else nil.
    func record(now: NIODeadline = .now()) -> Int? {
        state.withLock { state in
            state.count += 1
            if let last = state.lastLog, now - last < .seconds(60) { return nil }
            defer { state = (0, now) }
            return state.count
        }
    }
}
