#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads another source on a thread of its own, up to a fixed number of buffers ahead of the caller, so that
/// inflating (the usual upstream is a `GzipSource`) runs on one core while the caller decodes and matches on
/// another.
///
/// Bytes come out in the upstream's order. An upstream error is thrown once, after every byte read before it,
/// and later reads return 0. `storedOffset` is the upstream's stored offset as of the buffer being handed out
/// (for progress it runs at most one buffer ahead of the bytes returned), and the upstream's final offset once
/// the end or the error has been returned. Memory is `bufferCount × bufferSize`, allocated once.
///
/// Dropping the source, even mid-stream, stops the reader thread and joins it: the thread finishes the
/// upstream read in progress (on a pipe that waits for the writer), sees the stop and ends; the upstream is
/// then released on the dropping thread.
///
/// A caller may also hand the reader a step to run on filled buffers (`prepare(with:)`: the gate's search of the
/// decoding stage). The reader runs it only on buffers that wait for the caller while the ring is full, so it takes
/// time the reader would otherwise spend waiting; a buffer the caller reaches unprepared is the caller's to search,
/// and one being prepared is waited for. `readInPlace(ends:)` hands out a prepared buffer's results with its bytes.
///
/// Each source starts a thread (tens of microseconds with its ring), which pays off for large files and not for
/// small ones, nor when every core is already scanning a file of its own.
public final class ReadAheadSource: ByteSource {
    public static let defaultBufferSize = 256 << 10

    private let ring: ReadAheadRing
    private let thread: ReadAheadRing.Handle
    /// The slot being handed out, how far, and its length; whether the reader prepared it.
    private var slot: Int?
    private var position = 0
    private var slotCount = 0
    private var slotPrepared = false
    /// The slot's bytes were handed out in place (`readInPlace`); it is released at the next read.
    private var heldInPlace = false
    private var ended = false
    public private(set) var storedOffset: Int64

    /// Starts reading `upstream` on a new thread; from now on only that thread uses `upstream`.
    public init(upstream: ByteSource, bufferCount: Int = 4, bufferSize: Int = defaultBufferSize) throws(InputError) {
        precondition(bufferCount >= 1 && bufferSize >= 1, "a read-ahead ring needs at least one non-empty buffer")
        storedOffset = upstream.storedOffset
        ring = ReadAheadRing(upstream: upstream, bufferCount: bufferCount, bufferSize: bufferSize)
        thread = try ring.start()
    }

    deinit {
        if heldInPlace { ring.release() }
        ring.stop()
        ring.join(thread)
    }

    /// From now on, the reader runs `step` on the bytes of filled buffers while it waits for a free one, for
    /// `readInPlace(ends:)` to hand out. `step` appends ascending offsets into the bytes it
    /// is given (at most their count) to the array, which it finds empty.
    public func prepare(with step: @escaping ReadAheadRing.Prepare) { ring.setPrepare(step) }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        releaseHeld()
        guard buffer.count > 0, try take(), let index = slot else { return 0 }
        let n = min(slotCount - position, buffer.count)
        // safe because position + n <= slotCount <= the slot's size, n <= buffer.count, and the slot is the
        // caller's alone until it is released below
        buffer.baseAddress!.copyMemory(from: ring.buffers[index].baseAddress! + position, byteCount: n)
        position += n
        if position == slotCount {
            slot = nil
            ring.release()
        }
        return n
    }

    /// Reads without copying: hands out the rest of the buffer being read, in place (so at most one buffer's
    /// size). The bytes stay valid until the next read of any kind, or until the source is dropped. Empty at the
    /// end. When the reader prepared that buffer, also fills `ends` with the offsets `prepare(with:)`'s step found
    /// in it that fall in `1 ... count`, relative to the bytes returned, and returns `prepared` true. (An offset
    /// counts for the bytes whose last one it is just past, so a buffer's offsets are split between the reads that
    /// hand it out without loss.)
    public func readInPlace(ends: inout [Int]) throws(InputError) -> (bytes: UnsafeRawBufferPointer, prepared: Bool) {
        ends.removeAll(keepingCapacity: true)
        releaseHeld()
        guard try take(), let index = slot else { return (UnsafeRawBufferPointer(start: nil, count: 0), false) }
        let prepared = slotPrepared
        if prepared { collectEnds(index, into: &ends) }
        // Safe because position <= slotCount <= the slot's size, and the slot stays the caller's until released.
        let bytes = UnsafeRawBufferPointer(rebasing: ring.buffers[index][position..<slotCount])
        position = slotCount
        heldInPlace = true
        return (bytes, prepared)
    }

    /// Gives back the slot handed out in place, if any.
    private func releaseHeld() {
        guard heldInPlace else { return }
        heldInPlace = false
        slot = nil
        ring.release()
    }

    /// Makes sure a slot with bytes left is being read; false at the end. Throws the upstream's error once.
    private func take() throws(InputError) -> Bool {
        guard !ended else { return false }
        if slot != nil { return true }
        switch ring.next() {
        case .bytes(let index, let count, let offset, let prepared):
            slot = index
            slotCount = count
            position = 0
            storedOffset = offset
            slotPrepared = prepared
            return true
        case .end(let failure, let offset):
            ended = true
            storedOffset = offset
            if let failure { throw failure }
            return false
        }
    }

    /// Appends the prepared offsets of slot `index` past `position`, relative to it: a read in place hands out the
    /// rest of its slot, so this is asked once per slot.
    private func collectEnds(_ index: Int, into ends: inout [Int]) {
        // A prepared slot's results are not touched by the reader until the slot is released.
        for offset in ring.results[index].offsets where offset > position && offset <= slotCount {
            ends.append(offset - position)
        }
    }
}

/// The state the caller of a `ReadAheadSource` and its reader thread share: a ring of filled buffers in order,
/// then the end (or the upstream's error); and, per slot, what the prepare step found in it.
///
/// `@unchecked Sendable` because the compiler cannot see the discipline that makes sharing safe: every `var`
/// below is read and written only with `mutex` held; a slot's bytes are written by the reader only while the
/// slot is free and read by the caller only from when it is taken (under the mutex) until it is released
/// (under the mutex), so one side at a time; a slot's `results` are written by the reader only while it is
/// marked `preparing` (which the caller waits out before taking it) and read by the caller only once it is
/// taken and prepared; `buffers` and `results` never change; and `upstream` is used only by the reader thread,
/// between `start()` and `join(_:)`.
public final class ReadAheadRing: @unchecked Sendable {
    /// A step the reader runs on a filled slot's bytes, appending what it finds to the (empty) array.
    public typealias Prepare = @Sendable (UnsafeRawBufferPointer, inout [Int]) -> Void

    /// What the prepare step found in one slot.
    final class Results {
        var offsets: [Int] = []
    }

    #if canImport(Darwin)
    typealias Handle = pthread_t?
    #else
    typealias Handle = pthread_t
    #endif

    enum Next {
        case bytes(slot: Int, count: Int, storedOffset: Int64, prepared: Bool)
        case end(InputError?, storedOffset: Int64)
    }

    let buffers: [UnsafeMutableRawBufferPointer]
    let results: [Results]
    private let upstream: ByteSource
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// Signalled when a slot is filled or the end is reached (the caller waits), and when a slot is freed or a
    /// stop is asked for (the reader waits).
    private let filledOne: UnsafeMutablePointer<pthread_cond_t>
    private let freedOne: UnsafeMutablePointer<pthread_cond_t>

    private var counts: [Int]
    private var offsets: [Int64]
    /// The oldest filled slot, and how many are filled (taken by the caller or waiting).
    private var head = 0
    private var filled = 0
    private var end: (failure: InputError?, storedOffset: Int64)?
    private var stopping = false
    private var prepare: Prepare?
    /// Per slot: the prepare step has run on its bytes as filled.
    private var prepared: [Bool]
    /// The slot the reader is preparing, if any.
    private var preparing: Int?
    /// The oldest filled slot is the caller's (between `next()` and `release()`).
    private var taken = false

    init(upstream: ByteSource, bufferCount: Int, bufferSize: Int) {
        self.upstream = upstream
        buffers = (0..<bufferCount).map { _ in .allocate(byteCount: bufferSize, alignment: 64) }
        results = (0..<bufferCount).map { _ in Results() }
        prepared = Array(repeating: false, count: bufferCount)
        counts = Array(repeating: 0, count: bufferCount)
        offsets = Array(repeating: 0, count: bufferCount)
        mutex = .allocate(capacity: 1)
        filledOne = .allocate(capacity: 1)
        freedOne = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(filledOne, nil)
        pthread_cond_init(freedOne, nil)
    }

    deinit {
        pthread_cond_destroy(freedOne)
        pthread_cond_destroy(filledOne)
        pthread_mutex_destroy(mutex)
        freedOne.deallocate()
        filledOne.deallocate()
        mutex.deallocate()
        for buffer in buffers { buffer.deallocate() }
    }

    /// Starts the reader thread, which holds a reference to the ring until it ends.
    func start() throws(InputError) -> Handle {
        var thread = Handle()
        let context = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&thread, nil, { readAheadThreadMain($0) }, context)
        if rc != 0 {
            Unmanaged<ReadAheadRing>.fromOpaque(context).release()
            throw InputError(kind: .system(errno: rc), operation: "start a reader thread", offset: 0)
        }
        return thread
    }

    func setPrepare(_ step: @escaping Prepare) {
        pthread_mutex_lock(mutex)
        prepare = step
        pthread_cond_signal(freedOne)
        pthread_mutex_unlock(mutex)
    }

    func stop() {
        pthread_mutex_lock(mutex)
        stopping = true
        pthread_cond_signal(freedOne)
        pthread_mutex_unlock(mutex)
    }

    func join(_ thread: Handle) {
        #if canImport(Darwin)
        pthread_join(thread!, nil)
        #else
        pthread_join(thread, nil)
        #endif
    }

    /// The reader thread's loop: fill the next free slot with one upstream read, until the end, an error or a stop;
    /// while every slot is full, prepare the newest one that is neither the caller's nor prepared yet.
    fileprivate func produce() {
        var tail = 0
        pthread_mutex_lock(mutex)
        while true {
            while filled == buffers.count, !stopping {
                if let step = prepare, let slot = slotToPrepare() {
                    run(step, on: slot)
                    continue
                }
                pthread_cond_wait(freedOne, mutex)
            }
            if stopping { break }
            pthread_mutex_unlock(mutex)
            var count = 0
            var failure: InputError?
            do {
                count = try upstream.read(into: buffers[tail])
            } catch {
                failure = error
            }
            let offset = upstream.storedOffset
            pthread_mutex_lock(mutex)
            if count > 0 {
                counts[tail] = count
                offsets[tail] = offset
                prepared[tail] = false
                tail = (tail + 1) % buffers.count
                filled += 1
            } else {
                end = (failure, offset)
            }
            pthread_cond_signal(filledOne)
            if end != nil { break }
        }
        // The upstream has ended: the slots still waiting for the caller are prepared while it catches up.
        while !stopping, let step = prepare, let slot = slotToPrepare() { run(step, on: slot) }
        pthread_mutex_unlock(mutex)
    }

    /// Runs the prepare step on `slot`, with `mutex` held on entry and exit but not while the step runs.
    private func run(_ step: Prepare, on slot: Int) {
        preparing = slot
        let bytes = UnsafeRawBufferPointer(rebasing: buffers[slot][..<counts[slot]])
        pthread_mutex_unlock(mutex)
        results[slot].offsets.removeAll(keepingCapacity: true)
        step(bytes, &results[slot].offsets)
        pthread_mutex_lock(mutex)
        preparing = nil
        prepared[slot] = true
        pthread_cond_signal(filledOne)  // the caller may be waiting for this slot
    }

    /// The newest filled slot that the caller has not taken and that is not prepared; with `mutex` held.
    private func slotToPrepare() -> Int? {
        let first = taken ? 1 : 0
        guard filled > first else { return nil }
        for k in stride(from: filled - 1, through: first, by: -1) {
            let slot = (head + k) % buffers.count
            if !prepared[slot] { return slot }
        }
        return nil
    }

    /// Waits for the next filled slot, which stays the caller's until `release()`, or for the end.
    func next() -> Next {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while filled == 0, end == nil { pthread_cond_wait(filledOne, mutex) }
        if filled > 0 {
            // A slot being prepared is waited for: its search is under way, and the caller would only repeat it.
            while preparing == head { pthread_cond_wait(filledOne, mutex) }
            taken = true
            return .bytes(slot: head, count: counts[head], storedOffset: offsets[head], prepared: prepared[head])
        }
        return .end(end!.failure, storedOffset: end!.storedOffset)
    }

    /// Gives the oldest slot back to the reader.
    func release() {
        pthread_mutex_lock(mutex)
        taken = false
        head = (head + 1) % buffers.count
        filled -= 1
        pthread_cond_signal(freedOne)
        pthread_mutex_unlock(mutex)
    }
}

/// The reader thread's entry point; `context` is a retained `ReadAheadRing`, released when the loop ends.
private func readAheadThreadMain(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    Unmanaged<ReadAheadRing>.fromOpaque(context!).takeRetainedValue().produce()
    return nil
}
