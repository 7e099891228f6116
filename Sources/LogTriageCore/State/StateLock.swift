#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The exclusive lock a running `tail` holds on its state directory: `flock` on the file `lock`, which also
/// names the holder's process id for the message a second `tail` gets. The kernel drops the lock when the process
/// ends, however it ends, so a crash never leaves the directory locked.
final class StateLock {
    private let descriptor: Int32

    init(directory: String) throws(StateError) {
        // The descriptor becomes the lock's only once it is locked: a refusal closes it here, and as no lock was
        // made, `deinit` does not close it a second time (which would close whatever another thread had opened
        // under the same number meanwhile).
        descriptor = try Self.openLocked(directory)
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
    }

    /// Opens `directory/lock` and locks it; on failure closes what it opened and throws.
    private static func openLocked(_ directory: String) throws(StateError) -> Int32 {
        let path = directory + "/lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StateError(directory: directory, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno
            var holder = [UInt8](repeating: 0, count: 32)
            let n = pread(descriptor, &holder, holder.count, 0)
            close(descriptor)
            let pid = n > 0 ? String(decoding: holder[..<n], as: UTF8.self).trimmingWhitespace() : ""
            if reason == EWOULDBLOCK {
                throw StateError(
                    directory: directory,
                    "another logtriage tail is using it" + (pid.isEmpty ? "" : " (process \(pid))")
                        + "; stop that one or pass another --state directory")
            }
            throw StateError(directory: directory, "cannot lock \(path): \(String(cString: strerror(reason)))")
        }
        return descriptor
    }

    deinit { close(descriptor) }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        String(self.drop { $0 == " " || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\n" }.reversed())
    }
}
