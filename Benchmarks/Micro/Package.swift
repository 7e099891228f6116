// swift-tools-version: 6.1
// Micro-benchmarks of logtriage's stages, with ordo-one/benchmark. A package of its own so that the root package
// does not depend on the benchmark framework; it uses LogTriageCore from the repository by path.
//
//   swift package --package-path Benchmarks/Micro benchmark
//
// See Benchmarks/README.md.
import PackageDescription

let package = Package(
    name: "LogTriageMicro",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "logtriage", path: "../.."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "LogTriageMicro",
            dependencies: [
                .product(name: "LogTriageCore", package: "logtriage"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/LogTriageMicro",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    ]
)
