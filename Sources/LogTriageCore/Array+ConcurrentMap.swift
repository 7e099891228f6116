import Foundation

/// The processor cores this process may use, at least 1: how many threads the stages split work over unless told
/// otherwise (a scan's jobs, the built-in catalog's parse, the matcher's automata).
@usableFromInline var availableCores: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

extension Array {
    /// The elements transformed on up to `threads` threads, the results in the order of the elements whichever
    /// thread made each. Each thread takes the next element not yet taken, so one slow element does not hold back
    /// the others. Shared by the stages that do start-up work in parallel (the built-in catalog's files, a wide
    /// folder's subfolders).
    ///
    /// Complexity: O(n) calls of `transform`, spread over the threads.
    func concurrentMap<T>(threads: Int, _ transform: (Element) -> T) -> [T] {
        let threads = Swift.max(1, Swift.min(threads, count))
        guard threads > 1 else { return map(transform) }
        let slots = Slots<T>(count: count)
        withoutActuallyEscaping(transform) { transform in
            let shared = SharedTransform(elements: self, transform: transform)
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while let index = slots.take() { slots.set(index, shared.transform(shared.elements[index])) }
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

/// One slot per element, written by whichever thread takes it.
private final class Slots<Value>: @unchecked Sendable {
    // Safe because `next` and the slots are read and written only under `lock`; each slot is written once, by the
    // thread that took its index, and read after `concurrentPerform` has returned.
    private let lock = NSLock()
    private var slots: [Value?]
    private var next = 0

    /// The next index no thread has taken, or `nil` when all are taken.
    func take() -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard next < slots.count else { return nil }
        next += 1
        return next - 1
    }

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [Value] { slots.map { $0! } }
}
