// swift-tools-version:6.2
import PackageDescription

// Dependencies are few on purpose: every one of them is rebuilt from scratch on each CI run.
// swift-nio carries HTTP (no framework on top: two routes do not need one), swift-argument-parser
// the CLI, swift-log the logging API, Yams for the linter's .ipvs-lint.yaml and the web
// configuration, swift-nio-ssl for TLS (--web.config.file).
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let nioHTTP1: Target.Dependency = .product(name: "NIOHTTP1", package: "swift-nio")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

let package = Package(
    name: "ipvs_exporter",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "ipvs_exporter", targets: ["ipvs_exporter"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // MARK: - C system libraries (the only places C is imported)
        .systemLibrary(
            name: "CNetlink",
            pkgConfig: "libnl-genl-3.0",
            providers: [.apt(["libnl-3-dev", "libnl-genl-3-dev"])]
        ),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CCrypt", providers: [.apt(["libcrypt-dev"])]),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),

        // MARK: - Libraries
        .target(name: "Zlib", dependencies: ["CZlib"]),
        // Files, byte-text numbers, escaping and writes: what every other target needs from the system.
        .target(name: "SystemSupport"),
        // The IPVS model: pure values, no I/O. The linter and the web configuration stop here.
        .target(name: "IPVSModel", dependencies: ["SystemSupport"]),
        // The kernel: /proc, generic netlink, network namespaces. The only library that imports
        // CNetlink and CLinux.
        .target(name: "IPVSKernel", dependencies: ["IPVSModel", "SystemSupport", "CNetlink", "CLinux", "Zlib"]),
        .target(name: "IPVSMetrics", dependencies: ["IPVSKernel", "IPVSModel", "SystemSupport"], plugins: ["GitRevision"]),
        .target(name: "WebConfig", dependencies: ["SystemSupport", .product(name: "Yams", package: "Yams")]),
        .target(
            name: "IPVSServer",
            dependencies: [
                "IPVSMetrics", "SystemSupport", "Zlib", "CCrypt", nioCore, nioPosix, nioHTTP1, logging,
                "WebConfig", .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]),
        // The linter reads the kernel only for --live (LiveDirector); everything else is the model.
        .target(
            name: "IPVSLint",
            dependencies: ["IPVSModel", "IPVSKernel", "SystemSupport", .product(name: "Yams", package: "Yams")],
            plugins: ["RulePages"]),
        .executableTarget(
            name: "ipvs_exporter",
            dependencies: [
                "IPVSModel", "IPVSKernel", "SystemSupport", "IPVSMetrics", "IPVSServer", "WebConfig", "IPVSLint", "CLinux",
                argumentParser, logging,
            ]
        ),

        // MARK: - Benchmarks (make bench)
        .executableTarget(
            name: "ipvs-bench", dependencies: ["IPVSModel", "IPVSKernel", "SystemSupport", "IPVSMetrics", "IPVSLint"],
            path: "Benchmarks/ScrapeBench"),

        // MARK: - The kernel lab's writer (states ipvsadm refuses to create; never installed)
        .executableTarget(name: "ipvs-lab-netlink", dependencies: ["IPVSModel", "IPVSKernel"], path: "Tests/Kernel/LabTool"),

        // MARK: - Fuzzing (make fuzz): every parser as a libFuzzer target
        .target(
            name: "IPVSFuzzTargets", dependencies: ["IPVSModel", "IPVSKernel", "IPVSLint", "WebConfig"], path: "Fuzz/Targets"),
        .executableTarget(name: "ipvs-fuzz", dependencies: ["IPVSFuzzTargets", "SystemSupport"], path: "Fuzz/Driver"),

        // MARK: - Build tools
        .plugin(name: "GitRevision", capability: .buildTool()),
        .plugin(name: "RulePages", capability: .buildTool(), dependencies: ["rule-pages-generator"]),
        .executableTarget(name: "rule-pages-generator", path: "Plugins/RulePagesGenerator"),

        // MARK: - Tests
        .target(
            name: "IPVSTestSupport", dependencies: ["IPVSModel", "IPVSKernel", "SystemSupport"], path: "Tests/IPVSTestSupport"),
        .testTarget(
            name: "IPVSTests", dependencies: ["IPVSModel", "IPVSKernel", "SystemSupport", "IPVSTestSupport", "CNetlink"]),
        .testTarget(name: "IPVSMetricsTests", dependencies: ["IPVSMetrics", "IPVSModel", "IPVSKernel", "IPVSTestSupport"]),
        .testTarget(
            name: "IPVSServerTests",
            dependencies: [
                "IPVSServer", "WebConfig", "IPVSMetrics", "IPVSModel", "IPVSKernel", "SystemSupport", "IPVSTestSupport", "Zlib",
                nioCore, nioPosix, logging,
            ]
        ),
        .testTarget(
            name: "IPVSLintTests", dependencies: ["IPVSLint", "IPVSModel", "IPVSKernel", "SystemSupport", "IPVSTestSupport"]),
        // The fuzz targets over their seed corpora and every input that once crashed one.
        .testTarget(name: "FuzzRegressionTests", dependencies: ["IPVSFuzzTargets", "IPVSTestSupport"]),
        // Runs the built binary against real tools (promtool, Prometheus); needs ipvs_exporter built.
        .testTarget(name: "IntegrationTests", dependencies: ["IPVSTestSupport", "IPVSMetrics", "ipvs_exporter"]),
        // Compares the exporter with ipvsadm on captures of the real-kernel lab (make test-kernel).
        .testTarget(
            name: "KernelLabTests", dependencies: ["IPVSTestSupport", "IPVSMetrics", "IPVSKernel", "IPVSModel", "IPVSLint"]),
    ]
)

for target in package.targets where target.type != .system && target.type != .plugin {
    var settings = target.swiftSettings ?? []
    settings.append(.swiftLanguageMode(.v6))
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    settings.append(.treatAllWarnings(as: .error))
    target.swiftSettings = settings
}
