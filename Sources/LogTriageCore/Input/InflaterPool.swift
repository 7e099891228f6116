import Foundation

/// The gzip inflaters a job is done with, kept for its next file: in Input, handed by the scan's `SetScanner` to
/// each `GzipSource` it opens.
///
/// ISA-L's state and staging buffer are about 210 KiB, allocated and zeroed for each file without a pool; over
/// 20,000 small rotated files that costs time, and freed blocks of that size spread over the threads' heaps (the
/// peak RSS of two jobs grew by 14 MiB). A pooled inflater is started over completely before it is given out
/// again, so a file never sees its predecessor's state.
///
/// Thread-safe: a large file's `GzipSource` is read, and may be released, on its read-ahead thread.
final class InflaterPool: @unchecked Sendable {
    // Safe because `idle` is read and written only while `lock` is held.
    private let lock = NSLock()
    private var idle: [(engine: InflateEngine, inflater: any GzipInflater)] = []
    /// Inflaters kept at most; a job opens one file at a time, so one of each engine is enough.
    private static let capacity = 2

    /// An idle inflater for `engine` (`.isal` or `.zlib`), started over, or a new one. O(1).
    func take(_ engine: InflateEngine) throws(InputError) -> any GzipInflater {
        lock.lock()
        let index = idle.lastIndex { $0.engine == engine }
        let found = index.map { idle.remove(at: $0).inflater }
        lock.unlock()
        if let found {
            found.startOver()
            return found
        }
        return try Self.make(engine)
    }

    /// Keeps `inflater` for a later file, unless the pool is full. O(1).
    func giveBack(_ inflater: any GzipInflater, engine: InflateEngine) {
        lock.lock()
        if idle.count < Self.capacity { idle.append((engine, inflater)) }
        lock.unlock()
    }

    /// A new inflater for `engine`.
    static func make(_ engine: InflateEngine) throws(InputError) -> any GzipInflater {
        switch engine {
        case .isal: return try IsalInflater()
        case .zlib, .auto: return try ZlibInflater()
        }
    }
}
