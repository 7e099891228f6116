// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "logtriage",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "logtriage", targets: ["logtriage"]),
        .library(name: "LogTriageCore", targets: ["LogTriageCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
    ],
    targets: [
        // zlib's inflateInit2 is a macro; the shim exposes it as a real function.
        .target(
            name: "CZlib",
            linkerSettings: [.linkedLibrary("z")]
        ),
        // ISA-L's inflate, loaded at run time (dlopen) so neither building nor running needs libisal;
        // glibc before 2.34 keeps dlopen in libdl.
        .target(name: "CISAL", linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux]))]),
        // The SIMD candidate search in front of the literal automaton.
        .target(name: "CPrefilter"),
        // The verification regexes: PCRE2, with a match limit.
        .target(name: "CPCRE2", linkerSettings: [.linkedLibrary("pcre2-8")]),
        // xz, bzip2 and zstd decoding behind one streaming interface.
        .target(
            name: "CDecompress",
            linkerSettings: [.linkedLibrary("lzma"), .linkedLibrary("bz2"), .linkedLibrary("zstd")]),
        .target(
            name: "LogTriageCore",
            dependencies: [
                "CISAL",
                "CPrefilter",
                "CPCRE2",
                "CDecompress",
                "CZlib",
                .product(name: "Yams", package: "Yams"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            plugins: ["EmbedCatalog"]
        ),
        // Compiles patterns/ into LogTriageCore so the binary carries its catalog.
        .executableTarget(name: "catalog-embedder"),
        .plugin(
            name: "EmbedCatalog",
            capability: .buildTool(),
            dependencies: ["catalog-embedder"]
        ),
        .executableTarget(
            name: "logtriage",
            dependencies: [
                "LogTriageCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "LogTriageCoreTests",
            dependencies: ["LogTriageCore", "CISAL", "CZlib"]
        ),
        .testTarget(
            name: "LogTriageCLITests",
            dependencies: ["logtriage"],
            exclude: ["Help"]
        ),
    ]
)
