/// Makes the decoder for a format.
public enum DecoderFactory {
    /// A fresh decoder for `format`, reading files described by `context`. O(1).
    public static func make(for format: LogFormat, context: DecoderContext) -> any LogDecoder {
        switch format {
        case .dockerJSON: return DockerJSONDecoder(context: context)
        case .cri: return CRIDecoder(context: context)
        case .journalExport: return JournalExportDecoder(context: context)
        case .journalJSON: return JournalJSONDecoder(context: context)
        case .nginxAccess: return NginxAccessDecoder(context: context)
        case .nginxError: return NginxErrorDecoder(context: context)
        case .plain: return PlainDecoder(context: context)
        }
    }
}
