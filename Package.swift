// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Millwright",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "millwright", targets: ["millwright"]),
        .library(name: "App", targets: ["App"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/jwt.git", from: "5.2.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.0"),
        .package(url: "https://github.com/vapor/leaf.git", from: "4.5.0"),
        .package(url: "https://github.com/vapor/leaf-kit.git", from: "1.14.0"),
    ],
    targets: [
        .executableTarget(
            name: "millwright",
            dependencies: [.target(name: "App")]
        ),
        .target(name: "Maintenance"),
        .target(name: "QRCode"),
        .target(
            name: "Diagnostics",
            resources: [.copy("Resources/knowledge")]
        ),
        .target(
            name: "Connectors",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
            ]
        ),
        .target(
            name: "App",
            dependencies: [
                .target(name: "Maintenance"),
                .target(name: "Diagnostics"),
                .target(name: "Connectors"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .target(name: "QRCode"),
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Leaf", package: "leaf"),
                .product(name: "LeafKit", package: "leaf-kit"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "JWT", package: "jwt"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("Resources")]
        ),
        .testTarget(
            name: "MaintenanceTests",
            dependencies: [.target(name: "Maintenance")]
        ),
        .testTarget(
            name: "DiagnosticsTests",
            dependencies: [.target(name: "Diagnostics")]
        ),
        .testTarget(
            name: "ConnectorsTests",
            dependencies: [.target(name: "Connectors")]
        ),
        .testTarget(
            name: "QRCodeTests",
            dependencies: [.target(name: "QRCode")],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "AppTests",
            dependencies: [
                .target(name: "App"),
                .target(name: "QRCode"),
                .target(name: "Connectors"),
                .target(name: "Diagnostics"),
                .product(name: "VaporTesting", package: "vapor"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
