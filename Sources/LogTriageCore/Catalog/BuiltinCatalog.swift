import Foundation

/// The incidents shipped with logtriage: the `patterns/` folder, compiled into the binary at build time.
public enum BuiltinCatalog {
    /// Parses the embedded pattern files. They are checked by the test-suite, so an error here means the build
    /// embedded a broken catalog; it is still reported, never ignored.
    ///
    /// The files are parsed on up to `threads` threads (parsing is most of a small scan's start-up); errors and
    /// incidents stay in file order.
    public static func load(
        threads: Int = availableCores
    ) throws(CatalogError) -> Catalog {
        let parsed = EmbeddedCatalog.files.concurrentMap(threads: threads) {
            parse(name: $0.0, base64: $0.1)
        }
        var incidents: [Incident] = []
        for result in parsed { incidents.append(try result.get()) }
        return Catalog(incidents: incidents)
    }

    private static func parse(name: String, base64: String) -> Result<Incident, CatalogError> {
        guard let data = Data(base64Encoded: base64), let text = String(data: data, encoding: .utf8) else {
            return .failure(
                CatalogError(
                    file: "patterns/\(name)", line: 0, column: 0, reason: "the embedded file is not UTF-8 text"))
        }
        do {
            var incident = try CatalogLoader.parse(text, file: "patterns/\(name)")
            // No such file exists where the binary is installed: reports say where it came from.
            incident.isBuiltin = true
            return .success(incident)
        } catch {
            return .failure(error)
        }
    }
}
