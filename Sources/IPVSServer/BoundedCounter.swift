import Synchronization

/// A count that is only raised while it is below a limit: the admission check of the scrape
/// slots and of the authentication gate, without a lock.
final class BoundedCounter: Sendable {
    /// 0 or less means no limit.
    let limit: Int
    private let value = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Raises the count and returns true, or returns false when it is at the limit.
    func tryIncrement() -> Bool {
        guard limit > 0 else {
            value.wrappingAdd(1, ordering: .relaxed)
            return true
        }
        var current = value.load(ordering: .relaxed)
        while current < limit {
            let (exchanged, original) = value.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            current = original
        }
        return false
    }

    func decrement() {
        value.wrappingSubtract(1, ordering: .relaxed)
    }
}
