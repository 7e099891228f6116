// Build tool: writes a Swift file that holds the YAML catalog files, base64-encoded so that no file content
// can break the literal. Used by the EmbedCatalog plugin; not installed.
import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard let output = arguments.first else {
    FileHandle.standardError.write(Data("usage: catalog-embedder OUTPUT FILE...\n".utf8))
    exit(2)
}
var source = """
    // Generated from patterns/ at build time; do not edit.
    enum EmbeddedCatalog {
        /// (file name, base64 of the file's bytes), in name order.
        static let files: [(name: String, base64: String)] = [

    """
for path in arguments.dropFirst() {
    guard let data = FileManager.default.contents(atPath: path) else {
        FileHandle.standardError.write(Data("catalog-embedder: cannot read \(path)\n".utf8))
        exit(1)
    }
    let name = URL(fileURLWithPath: path).lastPathComponent
    source += "        (\"\(name)\", \"\(data.base64EncodedString())\"),\n"
}
source += "    ]\n}\n"
do {
    try source.write(toFile: output, atomically: true, encoding: .utf8)
} catch {
    FileHandle.standardError.write(Data("catalog-embedder: cannot write \(output): \(error)\n".utf8))
    exit(1)
}
