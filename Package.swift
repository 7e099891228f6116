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
    ],
    targets: [
        // zlib's inflateInit2 is a macro; the shim exposes it as a real function.
        .target(
            name: "CZlib",
            linkerSettings: [.linkedLibrary("z")]
        ),
        .target(
            name: "LogTriageCore",
            dependencies: [
                "CZlib",
                .product(name: "Yams", package: "Yams"),
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
            dependencies: ["LogTriageCore", "CZlib"]
        ),
        .testTarget(
            name: "LogTriageCLITests",
            dependencies: ["logtriage"],
            exclude: ["Help"]
        ),
    ]
)
