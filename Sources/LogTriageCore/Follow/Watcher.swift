#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Wakes the live pipeline when a followed folder changes, when a signal arrives, or when the poll interval has
/// passed.
///
/// On Linux it watches folders with inotify: a folder's watch reports writes, creations, renames and deletions of
/// the files in it, so one watch per folder covers every followed file, its rotations and new files. Events only
/// wake the pipeline, which then looks at every file itself; an overflowed event queue therefore loses nothing.
/// Where inotify is not available, or with `--poll`, it sleeps for the interval instead. `wake()` may be called
/// from any thread (a signal handler's queue): it writes to a pipe that the wait includes.
public final class Watcher {
    public enum Mode: Equatable, Sendable {
        case inotify
        case poll(seconds: Double)
    }

    public private(set) var mode: Mode
    /// Why inotify could not be used, when it was asked for and the watcher fell back to polling.
    public private(set) var fallbackReason: String?
    private var inotify: Int32 = -1
    private var watched: [String: Int32] = [:]
    private let wakePipe = WakePipe()
    /// The longest sleep between looks when inotify is used, so that anything it cannot see (a file on a network
    /// filesystem, a missed folder) is still noticed.
    public var safetyInterval: Double = 1

    public init(mode: Mode) {
        self.mode = mode
        #if os(Linux)
        if mode == .inotify {
            inotify = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
            if inotify < 0 { fallBack("inotify_init1: \(String(cString: strerror(errno)))") }
        }
        #else
        if mode == .inotify { fallBack("inotify is Linux only") }
        #endif
    }

    deinit {
        if inotify >= 0 { close(inotify) }
    }

    private func fallBack(_ reason: String) {
        fallbackReason = reason
        mode = .poll(seconds: 0.25)
        if inotify >= 0 { close(inotify) }
        inotify = -1
    }

    /// Watches `directory` for changes to its entries; a folder already watched is not watched twice. O(1).
    public func watch(directory: String) {
        #if os(Linux)
        guard inotify >= 0, watched[directory] == nil else { return }
        let mask =
            IN_MODIFY | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_ATTRIB
            | IN_DELETE_SELF | IN_MOVE_SELF
        let wd = PathName.withCString(directory) { inotify_add_watch(inotify, $0, UInt32(mask)) }
        if wd >= 0 {
            watched[directory] = wd
        } else if errno == ENOSPC {
            fallBack("the inotify watch limit (fs.inotify.max_user_watches) is reached")
        }
        #endif
    }

    /// Makes the current or next `wait` return at once. Async-signal-safe.
    public func wake() { wakePipe.signal() }

    /// Descriptors that also end a wait when readable: the streams followed.
    public var streams: [Int32] = []
    /// Set when an event since the last look created, moved or deleted an entry of a watched folder (or the
    /// event queue overflowed), so that the followed folders are listed again.
    public var entriesChanged = false

    /// Sleeps until a watched folder changes, a stream has data, `wake()` is called or the interval passes.
    /// Returns whether something ended it (`false`: the interval passed). O(events).
    @discardableResult
    public func wait(upTo limit: Double? = nil) -> Bool {
        let seconds: Double
        switch mode {
        case .inotify: seconds = safetyInterval
        case .poll(let interval): seconds = interval
        }
        var fds = [pollfd(fd: wakePipe.readDescriptor, events: Int16(POLLIN), revents: 0)]
        if inotify >= 0 { fds.append(pollfd(fd: inotify, events: Int16(POLLIN), revents: 0)) }
        for stream in streams { fds.append(pollfd(fd: stream, events: Int16(POLLIN), revents: 0)) }
        let ready = poll(&fds, nfds_t(fds.count), Int32(min(seconds, limit ?? seconds) * 1000))
        guard ready > 0 else { return false }
        wakePipe.drain()
        var buffer = [UInt8](repeating: 0, count: 4096)
        if inotify >= 0 { readEvents(&buffer) }
        return true
    }

    /// Reads the queued inotify events, noting whether any changed a folder's entries. O(events).
    private func readEvents(_ buffer: inout [UInt8]) {
        #if os(Linux)
        let structural = UInt32(
            IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_Q_OVERFLOW)
        while true {
            let n = read(inotify, &buffer, buffer.count)
            guard n > 0 else { return }
            var position = 0
            // Each event is a 16-byte header (wd, mask, cookie, len) and `len` bytes of name.
            while position + 16 <= n {
                let (mask, length) = buffer.withUnsafeBytes { raw in
                    (
                        raw.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self),
                        raw.loadUnaligned(fromByteOffset: position + 12, as: UInt32.self)
                    )
                }
                if mask & structural != 0 { entriesChanged = true }
                position += 16 + Int(length)
            }
        }
        #endif
    }
}
