import Foundation
import Synchronization

/// The pipeline's job scheduler: runs work items on up to `jobs` threads and hands their results on in item order.
///
/// Items come from a `JobQueue`, which may still be filled while the work runs (discovery adds rotated sets as it
/// lists the folders that hold them). Each thread makes one worker (its own buffers and matcher) and takes the
/// largest item not yet started, so the last items to start are small ones and the threads stay evenly busy; small
/// items are taken in item order (see `JobQueue`). Results are handed to `deliver` one at a time and in item order,
/// whatever order they finish in, so what is built from them does not depend on the number of jobs; results that
/// finish early wait until the items before them are delivered.
enum JobScheduler {
    static func run<Worker, Result>(
        queue: JobQueue, jobs: Int, idle: IdleJobs? = nil, makeWorker: () -> Worker, work: (Worker, Int) -> Result,
        deliver: (Int, Result) -> Void
    ) {
        let state = Delivery<Result>()
        if jobs <= 1 {
            let worker = makeWorker()
            while let item = queue.take() { state.finished(item, work(worker, item), deliver: deliver) }
            return
        }
        withoutActuallyEscaping(makeWorker) { makeWorker in
            withoutActuallyEscaping(work) { work in
                withoutActuallyEscaping(deliver) { deliver in
                    let shared = Shared(makeWorker: makeWorker, work: work, deliver: deliver)
                    DispatchQueue.concurrentPerform(iterations: jobs) { _ in
                        // A thread that finds no more work stays idle to the end of the scan: say so, so that
                        // the jobs still running may use its core.
                        defer { idle?.add() }
                        // A worker is made only once there is work for it.
                        guard var item = queue.take() else { return }
                        let worker = shared.makeWorker()
                        while true {
                            state.finished(item, shared.work(worker, item), deliver: shared.deliver)
                            guard let next = queue.take() else { return }
                            item = next
                        }
                    }
                }
            }
        }
    }

    /// The closures, shared by the threads. Safe because `makeWorker` and `work` are called on each thread with
    /// that thread's own worker, and `deliver` only under `Delivery`'s lock.
    private struct Shared<Worker, Result>: @unchecked Sendable {
        let makeWorker: () -> Worker
        let work: (Worker, Int) -> Result
        let deliver: (Int, Result) -> Void
    }

    /// The results waiting for their turn, behind one lock.
    private final class Delivery<Result>: @unchecked Sendable {
        // Safe because every stored property is read and written only while `lock` is held.
        private let lock = NSLock()
        private var waiting: [Int: Result] = [:]
        private var nextToDeliver = 0

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

/// How many of a scan's job threads have run out of work: from then on their cores are free for the jobs still
/// running (a reader thread for a large file). Only ever grows.
final class IdleJobs: Sendable {
    private let count = Atomic(0)

    func add() { count.add(1, ordering: .relaxed) }

    var any: Bool { count.load(ordering: .relaxed) > 0 }
}

/// The items of a scan, numbered in input order as they are added, with a size that decides which starts first.
///
/// `take` hands out the largest item not started yet (the lowest number among equals), and waits while the queue
/// is empty but not finished. Items smaller than `largeItem` count as equal: they are handed out in item order once
/// no large one waits. One of them takes little time whenever it starts, and in item order they also finish about
/// in order, so few results wait for the ones before them (with 1,000 small sets taken by size, most waited).
/// Complexity: O(log n) per item, a binary heap.
final class JobQueue: @unchecked Sendable {
    // Safe because every stored property is read and written only while `condition`'s lock is held.
    private let condition = NSCondition()
    private var count = 0
    private var finished = false
    /// Not-started items as (size, number), largest size first, then lowest number; sizes below `largeItem` as 0.
    private var heap: [(size: Int64, item: Int)] = []
    /// The size from which an item is handed out by size.
    let largeItem: Int64

    /// A queue that hands out items of `largeItem` bytes or more by size first. The default, 1 MiB, takes a job a
    /// few milliseconds to read.
    init(largeItem: Int64 = 1 << 20) {
        self.largeItem = largeItem
    }

    /// Adds the next item, numbered one more than the last; returns its number.
    @discardableResult
    func add(size: Int64) -> Int {
        condition.lock()
        defer { condition.unlock() }
        let item = count
        count += 1
        heap.append((size >= largeItem ? size : 0, item))
        siftUp(heap.count - 1)
        condition.signal()
        return item
    }

    /// No more items will be added.
    func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next item to start, or nil when all are started and no more will come.
    func take() -> Int? {
        condition.lock()
        defer { condition.unlock() }
        while heap.isEmpty && !finished { condition.wait() }
        guard !heap.isEmpty else { return nil }
        let top = heap[0].item
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        if !heap.isEmpty { siftDown(0) }
        return top
    }

    private func before(_ a: Int, _ b: Int) -> Bool {
        heap[a].size != heap[b].size ? heap[a].size > heap[b].size : heap[a].item < heap[b].item
    }

    private func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard before(child, parent) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var best = parent
            if left < heap.count && before(left, best) { best = left }
            if right < heap.count && before(right, best) { best = right }
            if best == parent { return }
            heap.swapAt(parent, best)
            parent = best
        }
    }
}
