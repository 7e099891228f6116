/// Makes the decoder for a format.
public enum DecoderFactory {
    /// The decoder type of each format.
    static func decoderType(for format: LogFormat) -> any LogDecoder.Type {
        switch format {
        case .dockerJSON: DockerJSONDecoder.self
        case .cri: CRIDecoder.self
        case .journalExport: JournalExportDecoder.self
        case .journalJSON: JournalJSONDecoder.self
        case .nginxAccess: NginxAccessDecoder.self
        case .nginxError: NginxErrorDecoder.self
        case .plain: PlainDecoder.self
        }
    }

    /// A fresh decoder for `format`, reading files described by `context`. O(1).
    public static func make(for format: LogFormat, context: DecoderContext) -> any LogDecoder {
        decoderType(for: format).init(context: context)
    }

    /// A fresh decoder for `format` that delivers to sinks of type `Sink`.
    ///
    /// The decoder's whole loop is compiled for that one sink type, so that handing on a record is a direct call;
    /// only the per-chunk calls go through the existential. O(1).
    /// With `checkpoint`, the decoder resumes from it.
    static func make<Sink: RecordSink>(
        for format: LogFormat, context: DecoderContext, sink: Sink.Type,
        resumingFrom checkpoint: DecoderCheckpoint? = nil
    ) -> any SinkBoundDecoder<Sink> {
        func bind<Decoder: LogDecoder>(_ type: Decoder.Type) -> any SinkBoundDecoder<Sink> {
            if let checkpoint {
                return BoundDecoder<Decoder, Sink>(Decoder(context: context, resumingFrom: checkpoint))
            }
            return BoundDecoder<Decoder, Sink>(Decoder(context: context))
        }
        return bind(decoderType(for: format))
    }
}

/// A decoder fixed to one kind of sink: the pipeline's per-chunk interface to whichever format a file has.
protocol SinkBoundDecoder<Sink>: AnyObject {
    associatedtype Sink: RecordSink
    func feed(_ bytes: UnsafeRawBufferPointer, into sink: inout Sink)
    func feed(_ bytes: UnsafeRawBufferPointer, found: GateEnds, into sink: inout Sink)
    var gate: CandidateGate? { get }
    func endOfFile(into sink: inout Sink)
    func finish(into sink: inout Sink)
    var checkpoint: DecoderCheckpoint { get }
    func skipPadding(_ count: Int64)
}

/// Wraps a format's decoder for one sink type.
final class BoundDecoder<Decoder: LogDecoder, Sink: RecordSink>: SinkBoundDecoder {
    private var decoder: Decoder

    init(_ decoder: Decoder) { self.decoder = decoder }

    func feed(_ bytes: UnsafeRawBufferPointer, into sink: inout Sink) { decoder.feed(bytes, into: &sink) }
    func feed(_ bytes: UnsafeRawBufferPointer, found: GateEnds, into sink: inout Sink) {
        decoder.feed(bytes, found: found, into: &sink)
    }
    var gate: CandidateGate? { decoder.gate }
    func endOfFile(into sink: inout Sink) { decoder.endOfFile(into: &sink) }
    func finish(into sink: inout Sink) { decoder.finish(into: &sink) }
    var checkpoint: DecoderCheckpoint { decoder.checkpoint }
    func skipPadding(_ count: Int64) { decoder.skipPadding(count) }
}
