// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "dcoder",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Platform", targets: ["Platform"]),
        .library(name: "Lab", targets: ["Lab"]),
        .library(name: "Live", targets: ["Live"]),
        .library(name: "Casbin", targets: ["Casbin"]),
        .library(name: "Identity", targets: ["Identity"]),
        .library(name: "Flags", targets: ["Flags"]),
        .library(name: "Storage", targets: ["Storage"]),
        .library(name: "Retrieval", targets: ["Retrieval"]),
        .library(name: "PlatformAPI", targets: ["PlatformAPI"]),
        .library(name: "Plugins", targets: ["Plugins"]),
        .executable(name: "dcoder", targets: ["dcoder"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/vapor/jwt-kit", from: "5.8.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .target(
            name: "Platform",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["Access/Casbin", "Identity", "Flags", "Storage", "RAG", "API", "Plugins"],
            resources: [.copy("Gateway/Resources/pricing.json")]
        ),
        // The Casbin engine lives with Platform's access control but is its own module, so
        // that its vocabulary (Value, Model, Enforcer, …) stays out of Platform's namespace.
        .target(name: "Casbin", path: "Sources/Platform/Access/Casbin"),
        // Storage: the control plane and a database per tenant, on SQLite (default) or
        // PostgreSQL, with migrations, provisioning and secrets sealed with AES-GCM.
        .target(
            name: "Storage",
            dependencies: [
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Sources/Platform/Storage"
        ),
        // Retrieval for RAG: analysis (Porter stemmer), BM25, dense vectors, fusion,
        // embedding cassettes and BEIR-style evaluation.
        .target(name: "Retrieval", dependencies: [.product(name: "Crypto", package: "swift-crypto")], path: "Sources/Platform/RAG"),
        // The Flagsmith evaluation model (segments, overrides, multivariate hashing).
        .target(name: "Flags", dependencies: [.product(name: "Crypto", package: "swift-crypto")], path: "Sources/Platform/Flags"),
        // OIDC sign-in: token validation against an issuer's discovery document and JWKS
        // (through the HTTPFetcher seam), claim mapping to tenants and roles, a mock IdP.
        .target(
            name: "Identity",
            dependencies: [
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            path: "Sources/Platform/Identity"
        ),
        // Plugins: manifests, capability-checked seams, the host, and the connectors (Slack,
        // Teams, Jira, SharePoint), all sans-I/O behind PluginHTTPTransport.
        .target(name: "Plugins", path: "Sources/Platform/Plugins"),
        // The Platform API's core (sans-I/O): routes, authentication, the access policy, the
        // configuration model. The Lab drives it directly; `dcoder serve` mounts it on Hummingbird.
        .target(
            name: "PlatformAPI",
            dependencies: ["Casbin", "Identity", "Storage", "Flags", "Retrieval", .product(name: "Crypto", package: "swift-crypto")],
            path: "Sources/Platform/API",
            resources: [.copy("Policies")]
        ),
        .target(
            name: "Lab",
            dependencies: [
                "Platform",
                "PlatformAPI",
                "Identity",
                "Storage",
                "Flags",
                "Plugins",
                "Retrieval",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(
            name: "Live",
            dependencies: [
                "Platform",
                "Lab",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Yams", package: "Yams"),
                "Flags",
                "Casbin",
                "Identity",
                "Storage",
                "PlatformAPI",
                "Plugins",
                "Retrieval",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "dcoder",
            dependencies: [
                "Platform",
                "Lab",
                "Live",
                "Casbin",
                "Flags",
                "Retrieval",
                "Storage",
                "Identity",
                "PlatformAPI",
                "Plugins",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "PlatformTests", dependencies: ["Platform"], exclude: ["Access/Casbin", "Identity", "Flags", "Storage", "RAG", "API", "Plugins"]),
        .testTarget(name: "PluginsTests", dependencies: ["Plugins", "Lab"], path: "Tests/PlatformTests/Plugins"),
        .testTarget(name: "PlatformAPITests", dependencies: ["PlatformAPI", "Identity", "Storage", "Casbin", "Flags", "Retrieval", "TestSupport"],
                    path: "Tests/PlatformTests/API"),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval"], path: "Tests/PlatformTests/RAG"),
        // Shared by the storage and live suites: which backends to run, scratch PostgreSQL databases.
        .target(name: "TestSupport", dependencies: ["Storage", .product(name: "SQLKit", package: "sql-kit")], path: "Tests/Support"),
        .testTarget(name: "StorageTests", dependencies: [
            "Storage", "TestSupport", .product(name: "SQLKit", package: "sql-kit"), .product(name: "Crypto", package: "swift-crypto"),
        ], path: "Tests/PlatformTests/Storage"),
        .testTarget(name: "FlagsTests", dependencies: ["Flags"], path: "Tests/PlatformTests/Flags"),
        .testTarget(name: "IdentityTests", dependencies: ["Identity", .product(name: "Crypto", package: "swift-crypto")],
                    path: "Tests/PlatformTests/Identity"),
        .testTarget(name: "CasbinTests", dependencies: ["Casbin"], path: "Tests/PlatformTests/Access/Casbin"),
        .testTarget(name: "LabTests", dependencies: ["Lab", "Platform", "Storage", .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "LiveTests", dependencies: [
            "Live", "Platform", "Lab", "Flags", "Identity", "Storage", "PlatformAPI", "TestSupport", "Plugins", "Retrieval",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "DcoderTests", dependencies: ["dcoder"]),
    ]
)
