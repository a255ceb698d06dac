// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "reviewcal",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "reviewcal", targets: ["ReviewCLI"]),
        .executable(name: "reviewcal-cell", targets: ["ReviewCellCLI"]),
        .library(name: "ReviewClient", targets: ["ReviewClient"]),
        .library(name: "Scheduling", targets: ["Scheduling"]),
        .library(name: "ICalKit", targets: ["ICalKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.34.1"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CLibical",
            pkgConfig: "libical",
            providers: [.apt(["libical-dev"])]
        ),
        .target(name: "ICalKit", dependencies: ["CLibical", "ReviewTime"]),
        .target(name: "ReviewTime"),
        .target(name: "ReviewAPI", dependencies: ["ReviewTime"]),
        .target(name: "ReviewCore", dependencies: ["ReviewAPI", .product(name: "Yams", package: "Yams")]),
        .systemLibrary(name: "CCbc", pkgConfig: "cbc", providers: [.apt(["coinor-libcbc-dev"])]),
        .systemLibrary(name: "CQRencode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        .target(
            name: "Scheduling",
            dependencies: ["CCbc", "CCbcConcurrent", "ReviewTime"]
        ),
        // CBC's solve entry point made safe to call from several threads at once (C++, over CBC's own classes).
        .target(name: "CCbcConcurrent", dependencies: ["CCbc"]),
        .executableTarget(name: "SchedBench", dependencies: ["Scheduling"]),
        .target(
            name: "ReviewStore",
            dependencies: [
                "ReviewCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "ReviewService",
            dependencies: [
                "ReviewCore", "ReviewStore", "Scheduling", "ICalKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Metrics", package: "swift-metrics"),
            ]
        ),
        .target(
            name: "ReviewServer",
            dependencies: [
                "ReviewCore", "ReviewService", "ReviewStore", "CQRencode",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [.copy("Resources/openapi.yaml"), .copy("Resources/templates"), .copy("Resources/static")]
        ),
        .target(name: "ReviewClient", dependencies: ["ReviewAPI"]),
        .target(
            name: "CellCommands",
            dependencies: ["ReviewAPI", "ReviewClient", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // The cells' command: only the client, the API's types and the argument parser (checked with ldd by CLITests).
        .executableTarget(name: "ReviewCellCLI", dependencies: ["CellCommands"]),
        .executableTarget(
            name: "ReviewCLI",
            dependencies: [
                "CellCommands", "ReviewCore", "ReviewClient", "ReviewServer", "ReviewService", "ReviewStore", "Scheduling",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "ICalBench", dependencies: ["ICalKit"]),
        .executableTarget(
            name: "LoadBench",
            dependencies: [
                "ReviewClient", "ReviewCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
        .executableTarget(
            name: "OfficeBench",
            dependencies: [
                "ReviewCore", "ReviewServer", "ReviewService", "ReviewStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "ICalKitTests", dependencies: ["ICalKit"]),
        .testTarget(name: "ReviewClientTests", dependencies: ["ReviewClient"]),
        .testTarget(name: "ReviewTimeTests", dependencies: ["ReviewTime"]),
        .testTarget(name: "ReviewCoreTests", dependencies: ["ReviewCore"], resources: [.copy("Fixtures")]),
        .testTarget(name: "SchedulingTests", dependencies: ["Scheduling"], resources: [.copy("Fixtures")]),
        // What the tests of the service, the store and the server share: a service over the sample district on a fresh
        // database (SQLite, or PostgreSQL when REVIEWCAL_TEST_POSTGRES names a server).
        .target(
            name: "ReviewTestSupport",
            dependencies: [
                "ReviewCore", "ReviewService", "ReviewStore",
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/ReviewTestSupport"
        ),
        .testTarget(
            name: "ReviewStoreTests",
            dependencies: ["ReviewStore", "ReviewCore", "ReviewTestSupport", .product(name: "SQLKit", package: "sql-kit")]
        ),
        .testTarget(
            name: "ReviewServiceTests", dependencies: ["ReviewService", "ReviewStore", "ReviewCore", "ReviewTestSupport"], resources: [.copy("Fixtures")]
        ),
        // Runs the built executables (reviewcal, reviewcal-cell) through whole flows, as an office and a cell would.
        .testTarget(name: "CLITests", dependencies: ["ReviewAPI"]),
        .testTarget(
            name: "ReviewServerTests",
            dependencies: [
                "ReviewServer", "ReviewClient", "ReviewService", "ReviewStore", "ICalKit", "ReviewCore", "ReviewTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
    ]
)
