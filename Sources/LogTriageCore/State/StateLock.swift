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
        let path = directory + "/lock"
        descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
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
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, pid, pid.count, 0)
    }

    deinit { close(descriptor) }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        String(self.drop { $0 == " " || $0 == "\n" }.reversed().drop { $0 == " " || $0 == "\n" }.reversed())
    }
}
