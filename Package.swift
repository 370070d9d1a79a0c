// swift-tools-version:6.0
import PackageDescription

/// One set of compiler settings for every target: Swift 6 strict concurrency plus the
/// upcoming features that make dependencies explicit (`any` on existentials, members
/// visible only from modules a file imports).
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// A Linux package: it links the system's libcurl, libxml2, OpenSSL and SQLite through
/// pkg-config and calls Glibc directly (flock, renameat2, fsync), so it builds on Linux only.
let package = Package(
    name: "payout",
    products: [
        .executable(name: "payout", targets: ["payout"]),
        .library(name: "PayoutKit", targets: ["PayoutKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .systemLibrary(
            name: "CXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(
            name: "CSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        .target(
            name: "PayoutKit",
            dependencies: [
                "CCurl", "CXML2", "COpenSSL", "CSQLite",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
            ],
            // The Promela model of the item state machine lives beside the code it models;
            // spin checks it (Scripts/modelcheck), the compiler never sees it.
            exclude: ["Scheduler/ItemStateMachine.pml"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "RedpackSandbox",
            dependencies: [
                "PayoutKit",
                "COpenSSL",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "payout",
            dependencies: [
                "PayoutKit",
                "RedpackSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PayoutTestSupport",
            dependencies: ["PayoutKit"],
            path: "Tests/PayoutTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PayoutKitTests",
            dependencies: ["PayoutKit", "PayoutTestSupport", "CCurl", "CXML2"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["PayoutKit", "PayoutTestSupport", "RedpackSandbox"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
