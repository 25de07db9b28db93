// swift-tools-version: 6.0
import PackageDescription

let package = Package(
    name: "dcoder",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "Platform", targets: ["Platform"]),
        .library(name: "Lab", targets: ["Lab"]),
        .executable(name: "dcoder", targets: ["dcoder"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        .target(
            name: "Platform",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Gateway/Resources/pricing.json")]
        ),
        .target(
            name: "Lab",
            dependencies: [
                "Platform",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .executableTarget(
            name: "dcoder",
            dependencies: [
                "Platform",
                "Lab",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "PlatformTests", dependencies: ["Platform"]),
        .testTarget(name: "LabTests", dependencies: ["Lab", "Platform"]),
        .testTarget(name: "DcoderTests", dependencies: ["dcoder"]),
    ]
)
