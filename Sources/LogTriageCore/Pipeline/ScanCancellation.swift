import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A request to stop a scan early (SIGINT, SIGTERM): the jobs stop reading at their next chunk, and the scan's
/// result covers what was read until then, marked `interrupted`.
///
/// A read waiting on a stream (a pipe whose writer has gone quiet, a FIFO nobody has opened for writing yet)
/// waits on `wakeDescriptor` too, which becomes readable once the scan is cancelled: the stop does not wait for
/// the writer.
public final class ScanCancellation: @unchecked Sendable {
    // Safe because `cancelled` is read and written only while `lock` is held; the descriptors are set once, in
    // `init`.
    private let lock = NSLock()
    private var cancelled = false
    /// The read end of a pipe that is written to once, by `cancel`; -1 when no pipe could be made (out of
    /// descriptors), and then a read on a stream waits for its writer, as it would without a cancellation.
    let wakeDescriptor: Int32
    private let wakeWriter: Int32

    public init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            }
            wakeDescriptor = ends[0]
            wakeWriter = ends[1]
        } else {
            wakeDescriptor = -1
            wakeWriter = -1
        }
    }

    deinit {
        if wakeDescriptor >= 0 {
            close(wakeDescriptor)
            close(wakeWriter)
        }
    }

    /// Asks the scan to stop, and wakes the reads waiting on streams. May be called from any thread.
    public func cancel() {
        let first = lock.withLock {
            defer { cancelled = true }
            return !cancelled
        }
        // The byte stays in the pipe: every read waiting now or later sees it.
        if first && wakeWriter >= 0 {
            var byte: UInt8 = 1
            _ = write(wakeWriter, &byte, 1)
        }
    }

    public var isCancelled: Bool { lock.withLock { cancelled } }
}
