import Foundation
import Synchronization
import Testing

@testable import LogTriageCore

@Suite struct JobSchedulerTests {
    /// Large items come out largest first (the lower number among equals), then the small ones in item order.
    @Test func largeItemsBySizeThenSmallOnesInOrder() {
        let queue = JobQueue(largeItem: 1 << 20)
        for size: Int64 in [10, 5 << 20, 20, 3 << 20, 5 << 20, 0, 1 << 20, (1 << 20) - 1] { queue.add(size: size) }
        queue.finish()
        var order: [Int] = []
        while let item = queue.take() { order.append(item) }
        #expect(order == [1, 4, 3, 6, 0, 2, 5, 7])
    }

    /// Whatever order the items are taken and finished in, on any number of threads, each is worked on once and
    /// the results are delivered once each, in item order.
    @Test(arguments: [1, 2, 3, 8])
    func resultsAreDeliveredInItemOrder(jobs: Int) {
        var random = SplitMix64(seed: UInt64(jobs))
        let sizes = (0..<500).map { _ in Int64.random(in: 0..<(4 << 20), using: &random) }
        let queue = JobQueue(largeItem: 1 << 20)
        // Items are still added while the work runs, as discovery does.
        let adding = Thread {
            for size in sizes { queue.add(size: size) }
            queue.finish()
        }
        adding.start()
        let worked = Mutex([Int](repeating: 0, count: sizes.count))
        var delivered: [Int] = []
        JobScheduler.run(
            queue: queue, jobs: jobs, makeWorker: { () },
            work: { _, item in
                worked.withLock { $0[item] += 1 }
                // Small items finish at once, large ones after a while: they finish out of order.
                if sizes[item] >= 1 << 20 { usleep(200) }
                return item * 7
            },
            deliver: { item, result in
                #expect(result == item * 7)
                delivered.append(item)
            })
        #expect(delivered == Array(0..<sizes.count))
        #expect(worked.withLock { $0 } == [Int](repeating: 1, count: sizes.count))
    }
}
