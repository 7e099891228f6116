/// Everything a `tail` needs, resolved from the command line: the live pipeline's single input.
public struct LiveConfiguration: Sendable {
    /// Paths followed (files and directories), the catalog, `--format`, `--since`, the zone, evidence kept.
    public var scan: ScanConfiguration
    /// Where the state database lives.
    public var stateDirectory: String
    /// Read files never followed before from their start instead of their end.
    public var fromStart = false
    /// Repeats of an incident within this many seconds of its last report are counted, not printed; 0 prints
    /// every occurrence.
    public var window: Double = 600
    public var watch: Watcher.Mode = .inotify
    /// Read standard input as a stream (`tail -`).
    public var standardInput = false
    /// Run `journalctl -f -o export` and follow its output.
    public var journal = false
    /// The journalctl to run.
    public var journalctl = "journalctl"
    /// Where to write Prometheus metrics, and how often.
    public var metricsFile: String?
    public var metricsInterval: Double = 5
    /// Seconds that counts stay in the state for `summary` after they were counted; older ones are forgotten,
    /// hourly. `nil` keeps everything.
    public var retention: Double? = 30 * 86_400
    /// The shortest time between two commits: appends arriving together are read and committed together.
    public var batchInterval: Double = 0.05

    public init(scan: ScanConfiguration, stateDirectory: String) {
        self.scan = scan
        self.stateDirectory = stateDirectory
    }
}
