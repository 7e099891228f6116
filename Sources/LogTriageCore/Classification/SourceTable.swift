/// Numbers the sources records name (a container, a journald unit, a compose service, a file), once per name.
///
/// Records of one source usually come in runs, so the last name looked up is remembered and compared as bytes
/// first: a run costs one comparison per record and no allocation.
struct SourceTable {
    private(set) var names: [String] = []
    private var index: [String: Int] = [:]
    private var lastBytes: [UInt8] = []
    private var last = -1

    /// The number for `name`, made on first sight. O(name length).
    mutating func number(for name: String) -> Int {
        if let existing = index[name] { return existing }
        names.append(name)
        index[name] = names.count - 1
        return names.count - 1
    }

    /// The number for a name given as bytes (invalid UTF-8 is shown with replacement characters). O(length).
    mutating func number(forBytes bytes: UnsafeRawBufferPointer) -> Int {
        if last >= 0 && bytes.elementsEqual(lastBytes) { return last }
        lastBytes = Array(bytes)
        last = number(for: String(decoding: bytes, as: UTF8.self))
        return last
    }
}
