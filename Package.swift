// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Tally",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tally", targets: ["tally"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        // Already in the graph through async-http-client; named for NIOCore/NIOHTTP1 types in its API.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.100.0"),
    ],
    targets: [
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // OpenSSL's libcrypto, which libpq links already: SHA-256 and HMAC without a BoringSSL build of our own
        .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(name: "TallyDigest", dependencies: ["CLibCrypto"]),
        .target(name: "CTallyPrefetch"),
        .target(name: "TallyCore", dependencies: ["CTallyPrefetch", "TallyDigest"]),
        .target(name: "TallyYAML", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(
            name: "TallyIngest",
            dependencies: [
                "TallyCore", "TallyYAML", "CLibXML2", "TallyDigest",
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(name: "TallyPostgres", dependencies: ["TallyCore", "CLibPQ"]),
        .target(
            name: "TallyReport", dependencies: ["TallyCore", "TallyDigest"]
        ),
        .target(
            name: "TallyAlerts",
            dependencies: [
                "TallyCore", "TallyPostgres", "TallyReport", "TallyYAML", "TallyDigest",
                .product(name: "Yams", package: "Yams"), .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "TallyEngine",
            dependencies: [
                "TallyCore", "TallyIngest", "TallyPostgres", "TallyReport", "TallyAlerts", "TallyYAML",
                .product(name: "Yams", package: "Yams"), .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
            ]),
        .executableTarget(
            name: "tally",
            dependencies: [
                "TallyCore", "TallyIngest", "TallyPostgres", "TallyReport", "TallyEngine", "TallyAlerts",
                "TallyDigest", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(name: "tally-bench", dependencies: ["TallyCore", "TallyIngest", "TallyPostgres"]),
        // Pure test fixtures (no database, no processes) for the unit suites...
        .target(
            name: "TallyTestFixtures", dependencies: ["TallyCore", "TallyReport"], path: "Tests/TallyTestFixtures"
        ),
        // ...and the helpers of the integration suites: the private PostgreSQL, subprocesses, a webhook receiver.
        .target(
            name: "TallyTestSupport", dependencies: ["TallyCore", "TallyPostgres"],
            path: "Tests/TallyTestSupport"
        ),
        .testTarget(name: "TallyCoreTests", dependencies: ["TallyCore"]),
        .testTarget(
            name: "TallyCommandTests",
            dependencies: ["tally", "TallyAlerts", "TallyEngine", "TallyIngest", "TallyPostgres", "TallyTestFixtures"]),
        .testTarget(name: "TallyYAMLTests", dependencies: ["TallyYAML", .product(name: "Yams", package: "Yams")]),
        .testTarget(name: "TallyEngineTests", dependencies: ["TallyEngine", "TallyCore", "TallyIngest", "TallyAlerts"]),
        .testTarget(name: "TallyAlertsTests", dependencies: ["TallyAlerts", "TallyCore", "TallyReport", "TallyPostgres"]),
        .testTarget(name: "TallyIngestTests", dependencies: ["TallyIngest", "TallyCore", "TallyTestFixtures"]),
        .testTarget(name: "TallyDigestTests", dependencies: ["TallyDigest"]),
        .testTarget(
            name: "TallyReportTests",
            dependencies: [
                "TallyReport", "TallyCore", "TallyIngest", "TallyTestFixtures",
                "TallyDigest",
            ],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "TallyIntegrationTests",
            dependencies: [
                "TallyEngine", "TallyAlerts", "TallyPostgres", "TallyCore", "TallyIngest", "TallyReport", "TallyTestSupport",
                "TallyTestFixtures",
                .product(name: "Logging", package: "swift-log"), "TallyDigest", .product(name: "Yams", package: "Yams"),
            ],
            exclude: ["Golden"]
        ),
    ]
)

for target in package.targets where target.type != .system && target.name != "CTallyPrefetch" {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("MemberImportVisibility"),
        ]
}
