// swift-tools-version: 6.2
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "slipway",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "slipway", targets: ["slipway"]),
        .executable(name: "slipway-local", targets: ["slipway-local"]),
        .library(name: "Expressions", targets: ["Expressions"]),
        .library(name: "Workflows", targets: ["Workflows"]),
        .library(name: "Runner", targets: ["Runner"]),
        .library(name: "Manifests", targets: ["Manifests"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
    ],
    targets: [
        .executableTarget(
            name: "slipway",
            dependencies: ["SlipwayCLI"],
            swiftSettings: upcoming
        ),
        .executableTarget(name: "slipway-local", dependencies: ["Targets"], swiftSettings: upcoming),
        .target(
            name: "SlipwayCLI",
            dependencies: [
                "Core", "Expressions", "Workflows", "Runner", "BuiltinActions", "Delivery", "Demo", "Server", "Store", "Manifests",
                "GitOps", "OCI", "RunnerAgent",
                "OCIClient", "OCIRegistry", "Images",
                "TargetKit", "Targets", "KubernetesAPI", "KubernetesClient", "Releases", "GitLabCI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "Core",
            dependencies: [
                "CLinuxSupport",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: upcoming
        ),
        .target(name: "Expressions", swiftSettings: upcoming),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLinuxSupport"),
        .target(
            name: "OCI",
            dependencies: [
                "CLinuxSupport", "Core", "CZlib",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "OCIClient",
            dependencies: [
                "Core", "OCI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "OCIRegistry",
            dependencies: [
                "Core", "OCI",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "Images",
            dependencies: [
                "Core", "OCI",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "Workflows",
            dependencies: ["Core", "Expressions", .product(name: "Yams", package: "Yams")],
            swiftSettings: upcoming
        ),
        .target(
            name: "Runner",
            dependencies: [
                "Core", "Expressions", "Workflows",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "GitLabCI",
            dependencies: ["Core", "Expressions", "Runner"],
            swiftSettings: upcoming
        ),
        .target(
            name: "BuiltinActions",
            dependencies: [
                "Core", "Workflows", "Runner", "OCI", "OCIClient", "Images",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "Delivery",
            dependencies: [
                "Core", "Workflows", "Runner", "BuiltinActions", "Store", "GitOps", "Releases", "TargetKit", "Targets", "Identity",
                "GitLabCI", "KubernetesAPI",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "Identity",
            dependencies: [
                "Core", "Runner",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "Server",
            dependencies: [
                "Core", "Workflows", "Runner", "Store", "Releases", "Delivery", "GitOps", "TargetKit", "OCIRegistry", "Identity",
                "GitLabCI",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "RunnerAgent",
            dependencies: [
                "Core", "Runner", "BuiltinActions",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "Demo",
            dependencies: [
                "Core", "Delivery", "GitOps", "Releases", "Store", "TargetKit", "Targets", "OCI", "OCIRegistry", "Images",
                "Manifests", "Server",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("../../Examples/slipway-up")],
            swiftSettings: upcoming
        ),
        .target(
            name: "Manifests",
            dependencies: [
                "Core",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "GitOps",
            dependencies: [
                "Core", "Manifests", "TargetKit",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .target(name: "TargetKit", dependencies: ["Core", "Manifests"], swiftSettings: upcoming),
        .target(
            name: "KubernetesAPI",
            dependencies: [
                "Core", "Manifests", "TargetKit",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "KubernetesClient",
            dependencies: [
                "Core", "Manifests", "TargetKit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "Targets",
            dependencies: [
                "Core", "TargetKit", "KubernetesAPI", "OCI", "OCIClient", "Manifests",
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "Releases",
            dependencies: [
                "Core", "Expressions", "Manifests", "TargetKit", "GitOps", "Store",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "Store",
            dependencies: [
                "Core",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "SlipwayTesting",
            dependencies: [
                "Core", "Manifests", "TargetKit",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(name: "CoreTests", dependencies: ["Core"], swiftSettings: upcoming),
        .testTarget(name: "StoreTests", dependencies: ["Store", "Core", "SlipwayTesting"], swiftSettings: upcoming),
        .testTarget(
            name: "ExpressionsTests",
            dependencies: ["Expressions", "SlipwayTesting"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "GitLabCITests",
            dependencies: ["GitLabCI", "Expressions", "Core", "Runner", "BuiltinActions", "OCI", "Images", "SlipwayTesting"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "WorkflowsTests",
            dependencies: ["Workflows", "Expressions", "Core", "SlipwayTesting"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ManifestsTests",
            dependencies: ["Manifests", "Core", "SlipwayTesting"],
            resources: [.copy("Fixtures")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "KubernetesAPITests",
            dependencies: [
                "KubernetesAPI", "KubernetesClient", "TargetKit", "Manifests", "Core", "SlipwayTesting",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "GitOpsTests",
            dependencies: ["GitOps", "TargetKit", "Manifests", "Core", "SlipwayTesting"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "Core", "Manifests", "Runner", "Releases", "Store", "TargetKit", "Targets", "OCI", "Images", "SlipwayTesting",
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ImagesTests",
            dependencies: [
                "OCI", "OCIClient", "OCIRegistry", "Images", "Core", "SlipwayTesting",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TargetsTests",
            dependencies: [
                "TargetKit", "Targets", "KubernetesAPI", "KubernetesClient", "OCI", "OCIClient", "Images", "Core", "Manifests",
                "SlipwayTesting", "CLinuxSupport",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ReleasesTests",
            dependencies: [
                "Releases", "GitOps", "TargetKit", "Expressions", "Manifests", "Store", "Core", "SlipwayTesting",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "RunnerTests",
            dependencies: ["Runner", "BuiltinActions", "Workflows", "Core", "Expressions", "SlipwayTesting"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "SlipwayCLITests",
            dependencies: [
                "SlipwayCLI", "Runner", "Releases", "Store", "Core", "SlipwayTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "BuiltinActionsTests",
            dependencies: ["BuiltinActions", "Runner", "Workflows", "Core", "Expressions", "OCI", "Images", "SlipwayTesting"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Server", "Store", "Releases", "Core", "SlipwayTesting", "OCI",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"), .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "DeliveryTests",
            dependencies: [
                "Delivery", "Runner", "Workflows", "Store", "Core", "Identity", "SlipwayTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: upcoming
        ),
    ]
)
