import Foundation

/// A request to stop a scan early (SIGINT, SIGTERM): the jobs stop reading at their next chunk, and the scan's
/// result covers what was read until then, marked `interrupted`.
///
/// A read waiting on a stream (a pipe whose writer has gone quiet, a FIFO nobody has opened for writing yet)
/// waits on `wakeDescriptor` too, which becomes readable once the scan is cancelled: the stop does not wait for
/// the writer.
public final class ScanCancellation: @unchecked Sendable {
    // Safe because `cancelled` is read and written only while `lock` is held.
    private let lock = NSLock()
    private var cancelled = false
    /// Signalled once, by `cancel`, and never drained: every read waiting on a stream, now or later, sees it.
    private let wake = WakePipe()

    public init() {}

    /// Readable once the scan is cancelled; -1 when no pipe could be made (out of descriptors), and then a read on
    /// a stream waits for its writer, as it would without a cancellation.
    var wakeDescriptor: Int32 { wake.readDescriptor }

    /// Asks the scan to stop, and wakes the reads waiting on streams. May be called from any thread.
    public func cancel() {
        let first = lock.withLock {
            defer { cancelled = true }
            return !cancelled
        }
        if first { wake.signal() }
    }

    public var isCancelled: Bool { lock.withLock { cancelled } }
}
