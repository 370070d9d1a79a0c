// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "payout",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "payout", targets: ["payout"]),
        .library(name: "PayoutKit", targets: ["PayoutKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
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
            dependencies: ["CCurl", "CXML2", "COpenSSL", "CSQLite", .product(name: "Yams", package: "Yams")]
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
            ]
        ),
        .executableTarget(
            name: "payout",
            dependencies: [
                "PayoutKit",
                "RedpackSandbox",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "PayoutKitTests",
            dependencies: ["PayoutKit", "CCurl", "CXML2"]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["PayoutKit", "RedpackSandbox", "COpenSSL"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
