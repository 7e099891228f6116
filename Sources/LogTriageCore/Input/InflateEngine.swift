import CISAL

/// Which library inflates gzip data: ISA-L (Intel's Intelligent Storage Acceleration Library), about two and a
/// half times as fast as zlib on log data, or zlib, which is always there.
///
/// ISA-L is optional at every stage: without its header at build time, or without `libisal.so.2` at run time,
/// `auto` means zlib and `isal` is refused with `InputError.Kind.inflateEngineUnavailable`.
public enum InflateEngine: String, CaseIterable, Sendable {
    /// ISA-L when it is available, else zlib.
    case auto
    /// ISA-L; fails when it is not available.
    case isal
    /// zlib.
    case zlib

    /// Whether ISA-L can be used in this process: built with ISA-L support and `libisal.so.2` loaded.
    public static var isalAvailable: Bool { isalUnavailableReason == nil }

    /// Why ISA-L cannot be used, as a sentence without a final period; nil when it can.
    public static let isalUnavailableReason: String? = {
        if logtriage_isal_available() != 0 { return nil }
        if logtriage_isal_built() == 0 {
            return "this logtriage was built without ISA-L (install libisal-dev and rebuild)"
        }
        return "libisal.so.2 could not be loaded (install libisal2)"
    }()

    /// The engine this choice stands for here: `.isal` or `.zlib`, never `.auto`.
    var resolved: InflateEngine {
        switch self {
        case .auto: return Self.isalAvailable ? .isal : .zlib
        case .isal, .zlib: return self
        }
    }
}
