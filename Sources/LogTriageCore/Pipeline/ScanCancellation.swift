import Foundation

/// A request to stop a scan early (SIGINT, SIGTERM): the jobs stop reading at their next chunk, and the scan's
/// result covers what was read until then, marked `interrupted`.
public final class ScanCancellation: @unchecked Sendable {
    // Safe because `cancelled` is read and written only while `lock` is held.
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    /// Asks the scan to stop. May be called from any thread.
    public func cancel() { lock.withLock { cancelled = true } }

    public var isCancelled: Bool { lock.withLock { cancelled } }
}
