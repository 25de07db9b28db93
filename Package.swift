// swift-tools-version: 6.0
import PackageDescription

// Every target is the folder of its own name: production modules under Sources/Platform,
// the simulator and the mocks under Sources/Lab, the command line under Sources/dcoder;
// Tests/<Module>Tests tests <Module>. Docs/architecture.md draws the graph below.
let crypto: Target.Dependency = .product(name: "Crypto", package: "swift-crypto")

let package = Package(
    name: "dcoder",
    platforms: [.macOS(.v15)],
    products: [
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
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
    ],
    targets: [
        // MARK: Platform (production code)

        // The vocabulary every module shares: instants and the clock seam, seeded
        // randomness, identifiers, one JSON value (parser, writer, escaper), one Secret, Python
        // regular expressions, provider kinds and quota names.
        .target(name: "Base", path: "Sources/Platform/Base"),
        // The gateway's decisions (sans-I/O): routing, the allowlist, provider wire formats,
        // streams, quotas, budgets, the one call pipeline (GatewayNode) and the usage journal.
        .target(name: "Gateway", dependencies: ["Base", crypto], path: "Sources/Platform/Gateway",
                resources: [.copy("Resources/pricing.json")]),
        // The Casbin engine (its vocabulary — Value, Model, Enforcer — in a namespace of its own).
        .target(name: "Casbin", dependencies: ["Base"], path: "Sources/Platform/Casbin"),
        // The control plane and a database per tenant, on SQLite (default) or PostgreSQL.
        .target(name: "Storage", dependencies: [
            "Base",
            .product(name: "SQLKit", package: "sql-kit"),
            .product(name: "SQLiteKit", package: "sqlite-kit"),
            .product(name: "PostgresKit", package: "postgres-kit"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            crypto,
            .product(name: "Logging", package: "swift-log"),
        ], path: "Sources/Platform/Storage"),
        // RAG: parsing (PDFs in process; FlateDecode through compress-nio's zlib), chunking,
        // BM25, dense vectors, fusion, answers, evaluation.
        .target(name: "Retrieval", dependencies: [
            "Base", crypto, .product(name: "CryptoExtras", package: "swift-crypto"),
            .product(name: "CompressNIO", package: "compress-nio"),
        ], path: "Sources/Platform/Retrieval"),
        // The Flagsmith evaluation model and the platform's flag book.
        .target(name: "Flags", dependencies: ["Base", crypto], path: "Sources/Platform/Flags"),
        // OIDC sign-in: token validation against an issuer's discovery document and JWKS.
        .target(name: "Identity", dependencies: [
            "Base",
            .product(name: "JWTKit", package: "jwt-kit"),
            crypto,
            .product(name: "CryptoExtras", package: "swift-crypto"),
        ], path: "Sources/Platform/Identity"),
        // Plugins: manifests, capability-checked seams, the host, the connectors.
        .target(name: "Plugins", dependencies: ["Base"], path: "Sources/Platform/Plugins"),
        // The Platform API's core (sans-I/O): routes, authentication, the access policy, the
        // configuration model. The Lab drives it directly; `dcoder serve` mounts it on Hummingbird.
        .target(name: "PlatformAPI", dependencies: ["Base", "Casbin", "Identity", "Storage", "Flags", "Gateway", "Retrieval", crypto],
                path: "Sources/Platform/PlatformAPI", resources: [.copy("Policies")]),
        // Configuration files (serve files, the tenant and platform sections scenarios share)
        // and their YAML reader with file:line:column errors.
        .target(name: "Config", dependencies: [
            "Base", "Gateway", "Flags", "Plugins", crypto, .product(name: "Yams", package: "Yams"),
        ], path: "Sources/Platform/Config"),
        // The live driver: Hummingbird, AsyncHTTPClient, real files and databases, Redis.
        .target(name: "Server", dependencies: [
            "Base", "Gateway", "Config", "Flags", "Casbin", "Identity", "Storage", "PlatformAPI", "Plugins", "Retrieval",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            crypto,
            .product(name: "Prometheus", package: "swift-prometheus"),
        ], path: "Sources/Platform/Server"),

        // MARK: Lab

        // Stand-ins for the outside world: providers in their wire formats, an OIDC issuer,
        // connector services, a bare forwarder (the benchmark's baseline).
        .target(name: "Mocks", dependencies: [
            "Base", "Gateway", "Retrieval", "Identity", "Plugins",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "HTTPTypes", package: "swift-http-types"),
            .product(name: "Logging", package: "swift-log"),
            crypto,
            .product(name: "JWTKit", package: "jwt-kit"),
        ], path: "Sources/Lab/Mocks"),
        // The deterministic simulator: event loop, virtual clock, scenarios, checkers, reports.
        .target(name: "Simulator", dependencies: [
            "Base", "Gateway", "Config", "Mocks", "PlatformAPI", "Identity", "Storage", "Flags", "Plugins", "Retrieval",
            crypto,
            .product(name: "Yams", package: "Yams"),
            .product(name: "Histogram", package: "hdrhistogram-swift"),
        ], path: "Sources/Lab/Simulator"),

        // MARK: Command line

        .executableTarget(name: "dcoder", dependencies: [
            "Base", "Gateway", "Config", "Simulator", "Mocks", "Server", "Casbin", "Flags", "Retrieval", "Storage",
            "Identity", "PlatformAPI", "Plugins",
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // MARK: Tests

        // Shared by the storage and server suites: which backends to run, scratch PostgreSQL databases.
        .target(name: "TestSupport", dependencies: ["Storage", .product(name: "SQLKit", package: "sql-kit")], path: "Tests/TestSupport"),
        .testTarget(name: "BaseTests", dependencies: ["Base"]),
        .testTarget(name: "GatewayTests", dependencies: ["Gateway", "Base"]),
        .testTarget(name: "CasbinTests", dependencies: ["Casbin", "Base"]),
        .testTarget(name: "StorageTests", dependencies: ["Storage", "Base", "TestSupport", .product(name: "SQLKit", package: "sql-kit"), crypto]),
        .testTarget(name: "RetrievalTests", dependencies: ["Retrieval", "Base", .product(name: "CompressNIO", package: "compress-nio")]),
        .testTarget(name: "FlagsTests", dependencies: ["Flags", "Base"]),
        .testTarget(name: "IdentityTests", dependencies: ["Identity", "Mocks", "Base", crypto]),
        .testTarget(name: "PluginsTests", dependencies: ["Plugins", "Mocks", "Base"]),
        .testTarget(name: "PlatformAPITests", dependencies: [
            "PlatformAPI", "Identity", "Mocks", "Storage", "Casbin", "Flags", "Retrieval", "Base", "TestSupport",
        ]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "Gateway", "Base"]),
        .testTarget(name: "MocksTests", dependencies: ["Mocks", "Simulator", "Gateway", "Base"]),
        .testTarget(name: "SimulatorTests", dependencies: ["Simulator", "Mocks", "Gateway", "Base", "Config", "Storage", crypto]),
        .testTarget(name: "ServerTests", dependencies: [
            "Server", "Mocks", "Simulator", "Gateway", "Base", "Config", "Flags", "Identity", "Storage", "PlatformAPI", "TestSupport",
            "Plugins", "Retrieval",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        // Runs the real binary; `serve --demo` is called over HTTP.
        .testTarget(name: "DcoderTests", dependencies: ["dcoder", .product(name: "AsyncHTTPClient", package: "async-http-client")]),
    ]
)
