import IPVSMetrics
import NIOCore
import NIOPosix
import Synchronization

/// One collection for all the scrapes that ask while it runs.
///
/// Prometheus pairs, a dashboard and a curl often scrape within the same second; each would
/// read the whole kernel table again, and each response in flight would hold its own copy of
/// the families. A scrape that arrives while a collection runs joins it instead: it gets values
/// read after it was asked for at the latest by the collection's duration, never a result that
/// was complete before it arrived (nothing is kept once a collection has been handed out).
final class SharedCollection: Sendable {
    private let running = Mutex<EventLoopFuture<ScrapeOutcome>?>(nil)

    /// The collection running now, or a new one started on `pool`.
    func outcome(
        on eventLoop: any EventLoop, pool: NIOThreadPool, _ collect: @escaping @Sendable () -> ScrapeOutcome
    ) -> EventLoopFuture<ScrapeOutcome> {
        let (future, promise) = running.withLock {
            current -> (EventLoopFuture<ScrapeOutcome>, EventLoopPromise<ScrapeOutcome>?) in
            if let current { return (current, nil) }
            let promise = eventLoop.makePromise(of: ScrapeOutcome.self)
            current = promise.futureResult
            return (promise.futureResult, promise)
        }
        if let promise {
            pool.runIfActive(eventLoop: eventLoop, collect).whenComplete { result in
                // Cleared before the joiners hear of it: a scrape asking from now on starts anew.
                self.running.withLock { $0 = nil }
                promise.completeWith(result)
            }
        }
        return future.hop(to: eventLoop)
    }
}
