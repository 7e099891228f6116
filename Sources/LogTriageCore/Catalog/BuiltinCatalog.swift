import Foundation

/// The incidents shipped with logtriage: the `patterns/` folder, compiled into the binary at build time.
public enum BuiltinCatalog {
    /// Parses the embedded pattern files. They are checked by the test-suite, so an error here means the build
    /// embedded a broken catalog; it is still reported, never ignored.
    public static func load() throws(CatalogError) -> Catalog {
        var incidents: [Incident] = []
        for (name, base64) in EmbeddedCatalog.files {
            guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
                throw CatalogError(
                    file: "patterns/\(name)", line: 0, column: 0, reason: "the embedded file is not UTF-8 text")
            }
            var incident = try CatalogLoader.parse(text, file: "patterns/\(name)")
            // No such file exists where the binary is installed: reports say where it came from.
            incident.isBuiltin = true
            incidents.append(incident)
        }
        return Catalog(incidents: incidents)
    }
}
