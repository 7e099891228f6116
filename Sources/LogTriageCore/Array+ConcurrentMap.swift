import Foundation

extension Array {
    /// The elements transformed on up to `threads` threads, in the order of the elements: element `i` goes to
    /// thread `i % threads`, so the results are the same however the threads are scheduled. Shared by the stages
    /// that do start-up work in parallel (the built-in catalog's files, a wide folder's subfolders).
    ///
    /// Complexity: O(n) calls of `transform`, spread over the threads.
    func concurrentMap<T>(threads: Int, _ transform: (Element) -> T) -> [T] {
        let threads = Swift.max(1, Swift.min(threads, count))
        guard threads > 1 else { return map(transform) }
        let slots = Slots<T>(count: count)
        withoutActuallyEscaping(transform) { transform in
            let shared = SharedTransform(elements: self, transform: transform)
            DispatchQueue.concurrentPerform(iterations: threads) { worker in
                for index in Swift.stride(from: worker, to: shared.elements.count, by: threads) {
                    slots.set(index, shared.transform(shared.elements[index]))
                }
            }
        }
        return slots.values
    }
}

/// The elements and the transform, shared by the threads. Safe because the elements are only read, and
/// `concurrentMap`'s callers pass transforms that touch no shared mutable state (they parse or list one item each).
private struct SharedTransform<Element, T>: @unchecked Sendable {
    let elements: [Element]
    let transform: (Element) -> T
}

/// One slot per element, written by whichever thread transforms it.
private final class Slots<Value>: @unchecked Sendable {
    // Safe because each slot is written once, by one thread, under `lock`, and read after `concurrentPerform` has
    // returned, which orders the writes before the reads.
    private let lock = NSLock()
    private var slots: [Value?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [Value] { slots.map { $0! } }
}
