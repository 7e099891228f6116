import Foundation

/// The pipeline's job scheduler: runs work items on up to `jobs` threads and hands their results on in item order.
///
/// Each thread makes one worker (its own buffers and matcher) and takes the next item from a shared list, in the
/// order given (largest first keeps the threads evenly busy). Results are handed to `deliver` one at a time and in
/// item order, whatever order they finish in, so what is built from them does not depend on the number of jobs;
/// results that finish early wait until the items before them are delivered.
enum JobScheduler {
    static func run<Worker, Result>(
        items: Int, jobs: Int, order: [Int], makeWorker: () -> Worker, work: (Worker, Int) -> Result,
        deliver: (Int, Result) -> Void
    ) {
        precondition(order.count == items && Set(order).count == items, "order must list every item once")
        let state = State<Result>(order: order)
        let threads = max(1, min(jobs, items))
        if threads == 1 {
            let worker = makeWorker()
            for item in order { state.finished(item, work(worker, item), deliver: deliver) }
            return
        }
        withoutActuallyEscaping(makeWorker) { makeWorker in
            withoutActuallyEscaping(work) { work in
                withoutActuallyEscaping(deliver) { deliver in
                    let shared = Shared(makeWorker: makeWorker, work: work, deliver: deliver)
                    DispatchQueue.concurrentPerform(iterations: threads) { _ in
                        let worker = shared.makeWorker()
                        while let item = state.next() {
                            state.finished(item, shared.work(worker, item), deliver: shared.deliver)
                        }
                    }
                }
            }
        }
    }

    /// The closures, shared by the threads. Safe because `makeWorker` and `work` are called on each thread with
    /// that thread's own worker, and `deliver` only under `State`'s lock.
    private struct Shared<Worker, Result>: @unchecked Sendable {
        let makeWorker: () -> Worker
        let work: (Worker, Int) -> Result
        let deliver: (Int, Result) -> Void
    }

    /// The items not started yet and the results waiting for their turn, behind one lock.
    private final class State<Result>: @unchecked Sendable {
        // Safe because every stored property is read and written only while `lock` is held.
        private let lock = NSLock()
        private let order: [Int]
        private var started = 0
        private var waiting: [Int: Result] = [:]
        private var nextToDeliver = 0

        init(order: [Int]) { self.order = order }

        func next() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard started < order.count else { return nil }
            started += 1
            return order[started - 1]
        }

        func finished(_ item: Int, _ result: Result, deliver: (Int, Result) -> Void) {
            lock.lock()
            defer { lock.unlock() }
            waiting[item] = result
            while let ready = waiting.removeValue(forKey: nextToDeliver) {
                deliver(nextToDeliver, ready)
                nextToDeliver += 1
            }
        }
    }
}
