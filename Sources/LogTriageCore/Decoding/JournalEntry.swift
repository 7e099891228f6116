/// The fields of one journald entry that logtriage uses, gathered by the export and JSON decoders alike.
///
/// Only `MESSAGE`, the source candidates, `__REALTIME_TIMESTAMP`, `_TRANSPORT` and `__CURSOR` are kept; the decoders skip
/// every other field without buffering it. Buffers are reused from entry to entry.
struct JournalEntry {
    /// A field logtriage keeps.
    enum Field: Int, CaseIterable {
        case message, containerName, systemdUnit, syslogIdentifier, realtimeTimestamp, transport, unit, userUnit, cursor

        /// The field's name as journald writes it.
        var name: String {
            switch self {
            case .message: "MESSAGE"
            case .containerName: "CONTAINER_NAME"
            case .systemdUnit: "_SYSTEMD_UNIT"
            case .syslogIdentifier: "SYSLOG_IDENTIFIER"
            case .realtimeTimestamp: "__REALTIME_TIMESTAMP"
            case .transport: "_TRANSPORT"
            case .unit: "UNIT"
            case .userUnit: "USER_UNIT"
            case .cursor: "__CURSOR"
            }
        }
    }

    /// Each kept field's value, indexed by `Field.rawValue`; decoders append to them directly.
    var values: [[UInt8]] = Array(repeating: [], count: Field.allCases.count)
    /// Bit `rawValue` is set once a field has been seen in the current entry.
    private var present: UInt16 = 0

    /// The field a key names, or `nil` for a field logtriage skips. O(key length).
    static func field(named name: UnsafeRawBufferPointer) -> Field? {
        // Dispatch on length first: most keys are rejected without comparing bytes.
        switch name.count {
        case 4: return name.equals("UNIT") ? .unit : nil
        case 8: return name.equals("__CURSOR") ? .cursor : nil
        case 9: return name.equals("USER_UNIT") ? .userUnit : nil
        case 7: return name.equals("MESSAGE") ? .message : nil
        case 10: return name.equals("_TRANSPORT") ? .transport : nil
        case 13: return name.equals("_SYSTEMD_UNIT") ? .systemdUnit : nil
        case 14: return name.equals("CONTAINER_NAME") ? .containerName : nil
        case 17: return name.equals("SYSLOG_IDENTIFIER") ? .syslogIdentifier : nil
        case 20: return name.equals("__REALTIME_TIMESTAMP") ? .realtimeTimestamp : nil
        default: return nil
        }
    }

    /// Forgets the current entry, keeping buffer capacity. O(1).
    mutating func reset() {
        for i in values.indices { values[i].removeAll(keepingCapacity: true) }
        present = 0
    }

    /// Marks `field` as seen; false when it was seen before in this entry, whose first value is the one kept.
    mutating func begin(_ field: Field) -> Bool {
        let bit: UInt16 = 1 << field.rawValue
        guard present & bit == 0 else { return false }
        present |= bit
        return true
    }

    /// Hands the entry to `sink` as one record; an entry without `MESSAGE` yields nothing. O(1).
    ///
    /// The source is `CONTAINER_NAME` (a container logging through the journald driver also carries
    /// `_SYSTEMD_UNIT=docker.service`, which says less), else `UNIT` / `USER_UNIT` (set by systemd on its own
    /// messages about a unit, whose `_SYSTEMD_UNIT` is just `init.scope`), else `_SYSTEMD_UNIT`, else
    /// `SYSLOG_IDENTIFIER`; kernel messages (`_TRANSPORT=kernel`) have the source `kernel`.
    func emit<S: RecordSink>(line: Int, offset: Int64, into sink: inout S) {
        guard present & (1 << Field.message.rawValue) != 0 else { return }
        let isKernel = values[Field.transport.rawValue].withUnsafeBytes { $0.equals("kernel") }
        let time = Self.parseMicros(values[Field.realtimeTimestamp.rawValue])
        let sourceField: Field? =
            [.containerName, .unit, .userUnit, .systemdUnit, .syslogIdentifier].first(where: has)
        values[Field.message.rawValue].withUnsafeBytes { message in
            func accept(_ source: UnsafeRawBufferPointer) {
                sink.accept(
                    LogRecord(
                        message: message, source: source, time: time, line: line, offset: offset, isKernel: isKernel))
            }
            if isKernel {
                accept(.of("kernel"))
            } else if let sourceField {
                values[sourceField.rawValue].withUnsafeBytes { accept($0) }
            } else {
                accept(.empty)
            }
        }
    }

    private func has(_ field: Field) -> Bool { !values[field.rawValue].isEmpty }

    /// `__REALTIME_TIMESTAMP`'s decimal microseconds; `nil` when absent or not a number that fits.
    private static func parseMicros(_ digits: [UInt8]) -> Int64? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }  // 18 digits cannot overflow Int64
        var value: Int64 = 0
        for b in digits {
            let d = b &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            value = value * 10 + Int64(d)
        }
        return value
    }
}
