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
/// Each source starts a thread (tens of microseconds with its ring), which pays off for large compressed files
/// and not for small ones, nor when every core is already scanning a file of its own.
public final class ReadAheadSource: ByteSource {
    private let ring: ReadAheadRing
    private let thread: ReadAheadRing.Handle
    /// The slot being handed out, how far, and its length.
    private var slot: Int?
    private var position = 0
    private var slotCount = 0
    private var ended = false
    public private(set) var storedOffset: Int64

    /// Starts reading `upstream` on a new thread; from now on only that thread uses `upstream`.
    public init(upstream: ByteSource, bufferCount: Int = 4, bufferSize: Int = 256 << 10) throws(InputError) {
        precondition(bufferCount >= 1 && bufferSize >= 1, "a read-ahead ring needs at least one non-empty buffer")
        storedOffset = upstream.storedOffset
        ring = ReadAheadRing(upstream: upstream, bufferCount: bufferCount, bufferSize: bufferSize)
        thread = try ring.start()
    }

    deinit {
        ring.stop()
        ring.join(thread)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard buffer.count > 0, !ended else { return 0 }
        if slot == nil {
            switch ring.next() {
            case .bytes(let index, let count, let offset):
                slot = index
                slotCount = count
                position = 0
                storedOffset = offset
            case .end(let failure, let offset):
                ended = true
                storedOffset = offset
                if let failure { throw failure }
                return 0
            }
        }
        let index = slot!
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
}

/// The state the caller of a `ReadAheadSource` and its reader thread share: a ring of filled buffers in order,
/// then the end (or the upstream's error).
///
/// `@unchecked Sendable` because the compiler cannot see the discipline that makes sharing safe: every `var`
/// below is read and written only with `mutex` held; a slot's bytes are written by the reader only while the
/// slot is free and read by the caller only from when it is taken (under the mutex) until it is released
/// (under the mutex), so one side at a time; `buffers` never changes; and `upstream` is used only by the
/// reader thread, between `start()` and `join(_:)`.
final class ReadAheadRing: @unchecked Sendable {
    #if canImport(Darwin)
    typealias Handle = pthread_t?
    #else
    typealias Handle = pthread_t
    #endif

    enum Next {
        case bytes(slot: Int, count: Int, storedOffset: Int64)
        case end(InputError?, storedOffset: Int64)
    }

    let buffers: [UnsafeMutableRawBufferPointer]
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

    init(upstream: ByteSource, bufferCount: Int, bufferSize: Int) {
        self.upstream = upstream
        buffers = (0..<bufferCount).map { _ in .allocate(byteCount: bufferSize, alignment: 64) }
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

    /// The reader thread's loop: fill the next free slot with one upstream read, until the end, an error or a stop.
    fileprivate func produce() {
        var tail = 0
        pthread_mutex_lock(mutex)
        while true {
            while filled == buffers.count, !stopping { pthread_cond_wait(freedOne, mutex) }
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
                tail = (tail + 1) % buffers.count
                filled += 1
            } else {
                end = (failure, offset)
            }
            pthread_cond_signal(filledOne)
            if end != nil { break }
        }
        pthread_mutex_unlock(mutex)
    }

    /// Waits for the next filled slot, which stays the caller's until `release()`, or for the end.
    func next() -> Next {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while filled == 0, end == nil { pthread_cond_wait(filledOne, mutex) }
        if filled > 0 { return .bytes(slot: head, count: counts[head], storedOffset: offsets[head]) }
        return .end(end!.failure, storedOffset: end!.storedOffset)
    }

    /// Gives the oldest slot back to the reader.
    func release() {
        pthread_mutex_lock(mutex)
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
