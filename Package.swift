// swift-tools-version:6.0
import PackageDescription

// The dependency rule (DESIGN.md): Plugins → PluginAPI ← Daemon, Daemon → Storage → CLMDB,
// Daemon → Plugins only to list them. Plugins never see Storage, Hummingbird or the Daemon.
//
// A school ships its own plugins without forking (the xcaddy model, Examples/RecommendationForm):
// its package depends on the Daemon and PluginAPI products and builds its own `jiuyed` with
// `JiuyedCommand.main(plugins:)`. That is why `jiuyed` is no product here: SwiftPM would build a
// dependency's `jiuyed` instead of the school's. `swift build`/`swift run jiuyed` in this
// repository still build it (a root package's executable targets are products of their own).
let package = Package(
    name: "jiuye",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "jiuyectl", targets: ["jiuyectl"]),
        .library(name: "Daemon", targets: ["Daemon"]),
        .library(name: "PluginAPI", targets: ["PluginAPI"]),
        .library(name: "JiuyeTesting", targets: ["JiuyeTesting"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLMDB",
            pkgConfig: "lmdb",
            providers: [.apt(["liblmdb-dev"])]
        ),
        .systemLibrary(
            name: "CArgon2",
            pkgConfig: "libargon2",
            providers: [.apt(["libargon2-dev"])]
        ),
        .systemLibrary(
            name: "CXLSXWriter",
            pkgConfig: "xlsxwriter",
            providers: [.apt(["libxlsxwriter-dev"])]
        ),
        .target(name: "Storage", dependencies: ["CLMDB"]),
        .target(
            name: "PluginAPI",
            dependencies: [.product(name: "Logging", package: "swift-log")]
        ),
        .target(name: "Plugins", dependencies: ["PluginAPI"]),
        .target(
            name: "AdminProtocol",
            dependencies: ["PluginAPI"]
        ),
        .target(
            name: "Daemon",
            dependencies: [
                "Storage", "PluginAPI", "Plugins", "AdminProtocol",
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "CompressNIO", package: "compress-nio"),
                "CArgon2", "CXLSXWriter",
            ]
        ),
        .target(
            name: "JiuyeTesting",
            dependencies: [
                "Daemon", "PluginAPI", "Plugins", "AdminProtocol", "Storage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ]
        ),
        .executableTarget(name: "jiuyed", dependencies: ["Daemon"]),
        .executableTarget(
            name: "jiuyectl",
            dependencies: [
                "AdminProtocol",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "jiuye-bench",
            dependencies: [
                "PluginAPI", "CXLSXWriter", "Daemon",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "StorageTests", dependencies: ["Storage"]),
        .testTarget(name: "PluginAPITests", dependencies: ["PluginAPI"]),
        .testTarget(name: "PluginsTests", dependencies: ["Plugins", "JiuyeTesting", "Daemon"]),
        .testTarget(
            name: "DaemonTests",
            dependencies: [
                "Daemon", "JiuyeTesting", "Plugins", "Storage", "CXLSXWriter",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["JiuyeTesting", "AdminProtocol", "Storage", "jiuyed", "jiuyectl"]
        ),
    ]
)
