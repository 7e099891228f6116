#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Byte-level helpers the decoders share.
extension UnsafeRawBufferPointer {
    /// Index of the first `byte` at or after `start`, or `nil`. O(n), with `memchr`'s word-at-a-time scan.
    func firstIndex(of byte: UInt8, from start: Int) -> Int? {
        guard start < count, let base = baseAddress else { return nil }
        // Safe because 0 <= start < count, so the searched range lies inside the buffer.
        guard let found = memchr(base + start, Int32(byte), count - start) else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// True when `literal`'s UTF-8 occurs anywhere. O(n × literal length) at worst; for sniffing, not hot paths.
    func contains(_ literal: StaticString) -> Bool {
        guard literal.utf8CodeUnitCount > 0 else { return true }
        let first = literal.utf8Start[0]
        var i = 0
        while let candidate = firstIndex(of: first, from: i) {
            if hasLiteral(literal, at: candidate) { return true }
            i = candidate + 1
        }
        return false
    }

    /// True when the bytes are exactly `literal`'s UTF-8. O(literal length).
    func equals(_ literal: StaticString) -> Bool {
        count == literal.utf8CodeUnitCount && hasLiteral(literal, at: 0)
    }

    /// True when `literal`'s UTF-8 occurs at `index`. O(literal length).
    func hasLiteral(_ literal: StaticString, at index: Int) -> Bool {
        let length = literal.utf8CodeUnitCount
        guard index >= 0, index + length <= count else { return false }
        for i in 0..<length where self[index + i] != literal.utf8Start[i] { return false }
        return true
    }

    /// `literal` as borrowed bytes; static strings live for the whole program, so the pointer never dangles.
    static func of(_ literal: StaticString) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
    }

    /// An empty buffer, for records without a source.
    static var empty: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: nil, count: 0) }
}
