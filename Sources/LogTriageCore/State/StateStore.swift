import Foundation
import GRDB

/// The state stage of the live pipeline: what `tail` has read and found, kept in SQLite so that following survives
/// a restart or a `kill -9` without losing or repeating a line.
///
/// One database, `state.sqlite` in the state directory (WAL mode), holds each followed file's identity and decoder
/// checkpoint, the journald cursor, running counters, when each incident was last reported, and what was counted,
/// as `IncidentTally` entries per minute of the records' time. `commit(_:)` writes all of one batch in a single
/// transaction, so positions and the incidents found up to them never disagree. `summary` reads the same store.
///
/// A `tail` holds the directory's lock file for as long as it runs; a second one is refused. A file that is not
/// an SQLite database, or a database that is not logtriage's, is reported and left alone, never recreated.
public final class StateStore {
    /// `PRAGMA application_id` of a logtriage state database: "LGTR".
    static let applicationID: Int32 = 0x4C47_5452
    static let databaseName = "state.sqlite"

    public let directory: String
    let database: DatabaseQueue
    private var lock: StateLock?

    /// The default state directory: `$XDG_STATE_HOME/logtriage`, else `~/.local/state/logtriage`.
    public static func defaultDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") { return state + "/logtriage" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return home + "/.local/state/logtriage"
    }

    /// Opens the store in `directory`. With `writer`, the directory (and database) is created if missing and its
    /// lock taken; without, an existing database is opened to read, and a missing one is an error.
    public init(directory: String, writer: Bool) throws(StateError) {
        self.directory = directory
        // SQLite is handed the database's path as a Swift string, so as UTF-8: bytes that are not would be
        // repaired into another name, and the state kept in a folder the user did not name.
        guard PathName.isText(directory) else {
            throw StateError(
                directory: directory,
                "its path is not valid UTF-8, which the state database (SQLite) needs; name a folder whose path is")
        }
        let path = directory + "/" + Self.databaseName
        if writer {
            do {
                try FileManager.default.createDirectory(
                    atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StateError(
                    directory: directory, "cannot create the state directory: \(error.localizedDescription)")
            }
            lock = try StateLock(directory: directory)
        } else if !FileManager.default.fileExists(atPath: path) {
            throw StateError(
                directory: directory,
                "holds no state database (\(Self.databaseName)); run `logtriage tail --state \(directory) …` first")
        }
        var configuration = Configuration()
        configuration.readonly = !writer
        configuration.busyMode = .timeout(5)
        do {
            database = try DatabaseQueue(path: path, configuration: configuration)
            try Self.check(database, path: path, directory: directory)
            if writer {
                try database.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA journal_mode = WAL")
                    // In WAL mode NORMAL loses nothing on a process crash; only a power cut may lose the last commits.
                    try db.execute(sql: "PRAGMA synchronous = NORMAL")
                }
                try Self.migrator.migrate(database)
                try database.writeWithoutTransaction { db in
                    try db.execute(sql: "PRAGMA application_id = \(Self.applicationID)")
                }
            }
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError(directory: directory, Self.describe(error, path: path))
        }
    }

    /// Refuses a file that is not an SQLite database, a database of another application, and a damaged one.
    private static func check(_ database: DatabaseQueue, path: String, directory: String) throws {
        try database.read { db in
            let id = try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0
            let tables = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") ?? 0
            if id != applicationID && (id != 0 || tables > 0) {
                throw StateError(
                    directory: directory,
                    "\(path) is an SQLite database of another program, not logtriage state; "
                        + "move it away or pass another --state directory")
            }
            let verdict = try String.fetchAll(db, sql: "PRAGMA quick_check")
            if verdict != ["ok"] {
                throw StateError(
                    directory: directory,
                    "\(path) is damaged (SQLite quick_check: \(verdict.prefix(3).joined(separator: "; "))); "
                        + "move it away to start over, which forgets the positions of the followed files")
            }
        }
    }

    private static func describe(_ error: Error, path: String) -> String {
        if let error = error as? DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB:
                return "\(path) is not an SQLite database; move it away or pass another --state directory"
            case .SQLITE_CORRUPT:
                return "\(path) is damaged (\(error.message ?? "corrupt")); move it away to start over"
            case .SQLITE_READONLY, .SQLITE_PERM, .SQLITE_CANTOPEN:
                return "cannot open \(path): \(error.message ?? "\(error.resultCode)")"
            default:
                return "\(path): \(error.message ?? "\(error.resultCode)")"
            }
        }
        return "\(path): \(error)"
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(
                sql: """
                    CREATE TABLE file (
                        id INTEGER PRIMARY KEY,
                        path TEXT NOT NULL,
                        device INTEGER NOT NULL,
                        inode INTEGER NOT NULL,
                        fingerprint BLOB NOT NULL,
                        format TEXT,
                        checkpoint TEXT NOT NULL,
                        draining INTEGER NOT NULL,
                        predecessor TEXT
                    );
                    CREATE TABLE tally (
                        minute INTEGER NOT NULL,
                        incident TEXT NOT NULL,
                        entry TEXT NOT NULL,
                        updated INTEGER NOT NULL,
                        PRIMARY KEY (minute, incident)
                    ) WITHOUT ROWID;
                    CREATE TABLE alert (
                        incident TEXT PRIMARY KEY,
                        reported INTEGER NOT NULL,
                        suppressed INTEGER NOT NULL
                    );
                    CREATE TABLE counter (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
                    CREATE TABLE journal (id INTEGER PRIMARY KEY CHECK (id = 1), cursor TEXT NOT NULL);
                    """)
        }
        return migrator
    }

    // MARK: - Reading

    /// The followed files, as last committed.
    public func files() throws(StateError) -> [FollowedFileState] {
        try reading { db in
            try Row.fetchAll(db, sql: "SELECT * FROM file ORDER BY id").map { row in
                let checkpoint = try JSONDecoder().decode(
                    DecoderCheckpoint.self, from: Data((row["checkpoint"] as String).utf8))
                return FollowedFileState(
                    id: row["id"], path: row["path"],
                    identity: FileIdentity(
                        device: UInt64(bitPattern: row["device"]), inode: UInt64(bitPattern: row["inode"]),
                        fingerprint: [UInt8]((row["fingerprint"] as Data?) ?? Data())),
                    format: (row["format"] as String?).flatMap(LogFormat.init(rawValue:)), checkpoint: checkpoint,
                    draining: row["draining"],
                    predecessor: try (row["predecessor"] as String?).map {
                        try JSONDecoder().decode(FileIdentity.self, from: Data($0.utf8))
                    })
            }
        }
    }

    /// The journald cursor of the last entry committed.
    public func journalCursor() throws(StateError) -> String? {
        try reading { db in try String.fetchOne(db, sql: "SELECT cursor FROM journal WHERE id = 1") }
    }

    /// The running counters: records, bytes, decode errors, last event time.
    public func counters() throws(StateError) -> [String: Int64] {
        try reading { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT name, value FROM counter").map {
                    ($0["name"] as String, $0["value"] as Int64)
                })
        }
    }

    /// When each incident was last reported, and how many repeats were counted since without being reported.
    public func alerts() throws(StateError) -> [String: AlertState] {
        try reading { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT * FROM alert").map {
                    ($0["incident"] as String, AlertState(reported: $0["reported"], suppressed: $0["suppressed"]))
                })
        }
    }

    /// What was counted in records from `sinceMinute` on (minutes since the epoch; all when `nil`), merged in time
    /// order, for the incidents of `catalog`. Incidents the catalog no longer has are left out and named in
    /// `unknown`. O(rows read).
    public func tally(
        sinceMinute: Int64?, incidents: [Incident], maxEvidence: Int
    ) throws(StateError) -> (tally: IncidentTally, unknown: [String]) {
        let index = Dictionary(incidents.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        return try reading { db in
            var total = IncidentTally(incidents: incidents, maxEvidence: maxEvidence)
            var unknown: Set<String> = []
            var minute: Int64?
            var bucket = total
            let rows = try Row.fetchCursor(
                db, sql: "SELECT minute, incident, entry FROM tally WHERE minute >= ? ORDER BY minute",
                arguments: [sinceMinute ?? Int64.min])
            while let row = try rows.next() {
                let rowMinute: Int64 = row["minute"]
                if rowMinute != minute {
                    total.merge(bucket)
                    bucket = IncidentTally(incidents: incidents, maxEvidence: maxEvidence)
                    minute = rowMinute
                }
                let id: String = row["incident"]
                guard let number = index[id] else {
                    unknown.insert(id)
                    continue
                }
                let entry = try JSONDecoder().decode(
                    IncidentTally.Entry.self, from: Data((row["entry"] as String).utf8))
                bucket.restore(entry, incident: number)
            }
            total.merge(bucket)
            return (total, unknown.sorted())
        }
    }

    // MARK: - Writing

    /// Writes one batch in one transaction: file positions, counted incidents, alerts, counters and the cursor.
    public func commit(_ batch: StateBatch) throws(StateError) {
        do {
            try database.write { db in
                for file in batch.files {
                    let checkpoint = String(decoding: try JSONEncoder().encode(file.checkpoint), as: UTF8.self)
                    try db.execute(
                        sql: """
                            INSERT OR REPLACE INTO file
                                (id, path, device, inode, fingerprint, format, checkpoint, draining, predecessor)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            file.id, file.path, Int64(bitPattern: file.identity.device),
                            Int64(bitPattern: file.identity.inode), Data(file.identity.fingerprint),
                            file.format?.rawValue, checkpoint, file.draining,
                            try file.predecessor.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) },
                        ])
                }
                for id in batch.removedFiles { try db.execute(sql: "DELETE FROM file WHERE id = ?", arguments: [id]) }
                let now = Int64(Date().timeIntervalSince1970 * 1e6)
                for (minute, delta) in batch.tallies.sorted(by: { $0.key < $1.key }) {
                    try Self.add(delta, minute: minute, at: now, db: db)
                }
                for (incident, alert) in batch.alerts {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO alert (incident, reported, suppressed) VALUES (?, ?, ?)",
                        arguments: [incident, alert.reported, alert.suppressed])
                }
                for (name, delta) in batch.counterDeltas where delta != 0 {
                    try db.execute(
                        sql: """
                            INSERT INTO counter (name, value) VALUES (?, ?)
                            ON CONFLICT(name) DO UPDATE SET value = value + excluded.value
                            """, arguments: [name, delta])
                }
                for (name, value) in batch.counterValues {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO counter (name, value) VALUES (?, ?)", arguments: [name, value])
                }
                if let cursor = batch.journalCursor {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO journal (id, cursor) VALUES (1, ?)", arguments: [cursor])
                }
            }
        } catch {
            throw StateError(directory: directory, "cannot commit: \(Self.describe(error, path: Self.databaseName))")
        }
    }

    /// Forgets what was last counted before `time` (µs since the epoch, wall clock), whatever the records' own
    /// time: a backfill of old logs stays for the retention after it was read. Positions and counters stay.
    /// O(rows removed).
    public func prune(countedBefore time: Int64) throws(StateError) {
        do {
            try database.write { db in
                try db.execute(sql: "DELETE FROM tally WHERE updated < ?", arguments: [time])
            }
        } catch {
            throw StateError(directory: directory, "cannot prune: \(Self.describe(error, path: Self.databaseName))")
        }
    }

    /// Merges `delta` into the minute's stored entries. O(incidents in `delta`).
    private static func add(_ delta: IncidentTally, minute: Int64, at now: Int64, db: Database) throws {
        for (number, entry) in delta.counted {
            let id = delta.incidents[number].id
            var merged = IncidentTally(incidents: delta.incidents, maxEvidence: delta.maxEvidence)
            if let stored = try String.fetchOne(
                db, sql: "SELECT entry FROM tally WHERE minute = ? AND incident = ?", arguments: [minute, id])
            {
                merged.restore(
                    try JSONDecoder().decode(IncidentTally.Entry.self, from: Data(stored.utf8)), incident: number)
            }
            var single = IncidentTally(incidents: delta.incidents, maxEvidence: delta.maxEvidence)
            single.restore(entry, incident: number)
            merged.merge(single)
            let json = String(decoding: try JSONEncoder().encode(merged.entry(number)), as: UTF8.self)
            try db.execute(
                sql: "INSERT OR REPLACE INTO tally (minute, incident, entry, updated) VALUES (?, ?, ?, ?)",
                arguments: [minute, id, json, now])
        }
    }

    private func reading<T>(_ body: (Database) throws -> T) throws(StateError) -> T {
        do {
            return try database.read(body)
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError(directory: directory, Self.describe(error, path: Self.databaseName))
        }
    }
}

/// One followed file as the store keeps it.
public struct FollowedFileState: Equatable, Sendable {
    public var id: Int64
    /// The name it is followed under (its live name, not where a rotation moved it).
    public var path: String
    public var identity: FileIdentity
    public var format: LogFormat?
    public var checkpoint: DecoderCheckpoint
    /// Renamed away by a rotation and still read for a while in case its writer has not reopened yet.
    public var draining: Bool
    /// The file read before this one under the same path: how a file that was still empty when committed is
    /// found again after rotations, when its inode number may have gone to another file.
    public var predecessor: FileIdentity?
}

/// When an incident was last printed, and how many repeats were counted since without being printed.
public struct AlertState: Equatable, Sendable {
    /// Microseconds since the epoch, wall clock.
    public var reported: Int64
    public var suppressed: Int

    public init(reported: Int64, suppressed: Int) {
        self.reported = reported
        self.suppressed = suppressed
    }
}

/// Everything one commit writes.
public struct StateBatch {
    public var files: [FollowedFileState] = []
    public var removedFiles: [Int64] = []
    /// Counted per minute of the records' time.
    public var tallies: [Int64: IncidentTally] = [:]
    public var alerts: [String: AlertState] = [:]
    public var counterDeltas: [String: Int64] = [:]
    public var counterValues: [String: Int64] = [:]
    public var journalCursor: String?

    public init() {}

    public var isEmpty: Bool {
        files.isEmpty && removedFiles.isEmpty && tallies.isEmpty && alerts.isEmpty
            && counterDeltas.values.allSatisfy { $0 == 0 } && counterValues.isEmpty && journalCursor == nil
    }
}

/// A state directory that cannot be used, with the reason.
public struct StateError: Error, Equatable, CustomStringConvertible {
    public var directory: String
    public var message: String

    init(directory: String, _ message: String) {
        self.directory = directory
        self.message = message
    }

    public var description: String { "state directory \(directory): \(message)" }
}
