#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pipe to oneself: `signal()` makes `readDescriptor` readable, so that a `poll(2)` waiting on it beside other
/// descriptors ends. Both ends are non-blocking and closed on exec; when no pipe can be made (out of descriptors)
/// both are -1, which `poll` passes over, and a wait then ends only by its other descriptors.
final class WakePipe: @unchecked Sendable {
    // Safe because the descriptors are set once, in `init`, and the kernel orders the reads and writes on them.
    let readDescriptor: Int32
    private let writeDescriptor: Int32

    init() {
        var ends: [Int32] = [-1, -1]
        if pipe(&ends) == 0 {
            for end in ends {
                _ = fcntl(end, F_SETFD, FD_CLOEXEC)
                _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            }
        }
        readDescriptor = ends[0]
        writeDescriptor = ends[1]
    }

    deinit {
        if readDescriptor >= 0 {
            close(readDescriptor)
            close(writeDescriptor)
        }
    }

    /// Makes `readDescriptor` readable until `drain`. Async-signal-safe.
    func signal() {
        guard writeDescriptor >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(writeDescriptor, &byte, 1)
    }

    /// Empties the pipe: `readDescriptor` is readable again only after the next `signal`.
    func drain() {
        guard readDescriptor >= 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readDescriptor, &buffer, buffer.count) > 0 {}
    }
}
