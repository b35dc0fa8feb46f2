// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Portcullis",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "portcullis", targets: ["portcullis"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
    ],
    targets: [
        // Argon2 (RFC 9106) and BLAKE2b, our own. Optimised in every configuration: an unoptimised
        // build computes a default-cost hash ~50 times slower, too slow for the debug server the
        // integration tests run (and it holds no logic a debugger needs to step through often).
        .target(
            name: "PortcullisArgon2",
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .target(
            name: "PortcullisCore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PortcullisConfig",
            dependencies: [
                "PortcullisCore", "PortcullisCrypto", "PortcullisSAML",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Store protocols, records and errors: no database import, so nothing above the store links one.
        .target(
            name: "PortcullisStore",
            swiftSettings: swiftSettings
        ),
        // The embedded SQLite store: the only module that imports GRDB.
        .target(
            name: "PortcullisStoreSQLite",
            dependencies: [
                "PortcullisStore",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        // Opens the store `storage.driver` names; the one place that knows every driver.
        .target(
            name: "PortcullisStoreFactory",
            dependencies: ["PortcullisCore", "PortcullisStore", "PortcullisStoreSQLite"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PortcullisStoreConformance",
            dependencies: ["PortcullisStore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PortcullisCrypto",
            dependencies: [
                "PortcullisCore", "PortcullisArgon2",
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PortcullisEmail",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The service layer: account and session changes every front end shares (hosted pages, CLI,
        // management API), each one store transaction with its events.
        .target(
            name: "PortcullisAccounts",
            dependencies: ["PortcullisCore", "PortcullisStore", "PortcullisCrypto"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PortcullisManagement",
            dependencies: ["PortcullisCore", "PortcullisConfig", "PortcullisStore", "PortcullisCrypto", "PortcullisAccounts",
                           "PortcullisHooks"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PortcullisOAuth",
            dependencies: [
                "PortcullisCore", "PortcullisConfig", "PortcullisStore", "PortcullisCrypto", "PortcullisAccounts",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PortcullisForwardAuth",
            dependencies: ["PortcullisCore", "PortcullisConfig", "PortcullisStore", "PortcullisCrypto",
                           .product(name: "HTTPTypes", package: "swift-http-types")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PortcullisUI",
            dependencies: [
                "PortcullisCore", "PortcullisStore", "PortcullisCrypto", "PortcullisEmail", "PortcullisAccounts",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        // Hooks and webhooks: payloads, HMAC signatures, outbound HTTP (async-http-client), the outbox worker.
        .target(
            name: "PortcullisHooks",
            dependencies: [
                "PortcullisCore", "PortcullisConfig", "PortcullisStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PortcullisHTTP",
            dependencies: [
                "PortcullisCore", "PortcullisConfig", "PortcullisStore", "PortcullisCrypto", "PortcullisUI",
                "PortcullisEmail", "PortcullisOAuth", "PortcullisForwardAuth", "PortcullisAccounts", "PortcullisManagement",
                "PortcullisHooks", "PortcullisSAML",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // libxml2 (Debian's libxml2-dev) for the SAML IdP: parsing and exclusive canonicalization.
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(
            name: "PortcullisSAML",
            dependencies: ["CLibXML2", "PortcullisCore", "PortcullisCrypto",
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "_CryptoExtras", package: "swift-crypto"),
                           .product(name: "X509", package: "swift-certificates"),
                           .product(name: "SwiftASN1", package: "swift-asn1"),
                           .product(name: "CompressNIO", package: "compress-nio"),
                           .product(name: "NIOCore", package: "swift-nio")],
            // Debian's libxml2 headers, also when pkg-config is not installed to say where they are.
            swiftSettings: swiftSettings + [.unsafeFlags(["-Xcc", "-I/usr/include/libxml2"])]
        ),
        .executableTarget(
            name: "portcullis",
            dependencies: [
                "PortcullisHTTP", "PortcullisConfig", "PortcullisStore", "PortcullisStoreFactory", "PortcullisStoreSQLite",
                "PortcullisCrypto", "PortcullisCore", "PortcullisUI", "PortcullisEmail", "PortcullisForwardAuth",
                "PortcullisAccounts", "PortcullisManagement", "PortcullisHooks",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // A bare Hummingbird "hello" server: the baseline the benchmarks in bench/ compare against.
        .executableTarget(
            name: "portcullis-bench-hello",
            dependencies: [.product(name: "Hummingbird", package: "hummingbird")],
            path: "bench/hello",
            swiftSettings: swiftSettings
        ),
        // argon2id hash timing with the production parameters, for bench/run-login.sh.
        .executableTarget(
            name: "portcullis-bench-hash",
            dependencies: ["PortcullisCrypto"],
            path: "bench/hash",
            swiftSettings: swiftSettings
        ),
        // Signed SAML response generation in CPU time, for bench/run-saml.sh.
        .executableTarget(
            name: "portcullis-bench-saml",
            dependencies: ["PortcullisSAML", "PortcullisConfig"],
            path: "bench/saml",
            swiftSettings: swiftSettings
        ),
        // Answers Argon2 requests as JSON lines, so the integration tests can compare our tags and
        // PHC strings with an independent implementation (Tests/Integration/test_argon2_crosscheck.py).
        .executableTarget(
            name: "portcullis-argon2-crosscheck",
            dependencies: ["PortcullisArgon2", "PortcullisCrypto"],
            path: "Tests/Tools/Argon2CrossCheck",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortcullisConfigTests",
            dependencies: ["PortcullisConfig", "PortcullisCore", "PortcullisCrypto"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortcullisStoreTests",
            dependencies: ["PortcullisStore", "PortcullisStoreSQLite", "PortcullisStoreFactory", "PortcullisStoreConformance",
                           "PortcullisCore", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortcullisCryptoTests",
            dependencies: ["PortcullisCrypto", "PortcullisCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortcullisSAMLTests",
            dependencies: ["PortcullisSAML", "PortcullisConfig", "PortcullisCore",
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "_CryptoExtras", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortcullisArgon2Tests",
            dependencies: ["PortcullisArgon2"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortcullisOAuthTests",
            dependencies: ["PortcullisOAuth", "PortcullisConfig", "PortcullisCore", "PortcullisCrypto",
                           .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortcullisManagementTests",
            dependencies: ["PortcullisManagement", "PortcullisStore", "PortcullisCore", "PortcullisAccounts"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortcullisUITests",
            dependencies: ["PortcullisUI", "PortcullisCore", "PortcullisStore", "PortcullisCrypto"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortcullisEmailTests",
            dependencies: ["PortcullisEmail", "PortcullisCore",
                           .product(name: "NIOCore", package: "swift-nio"),
                           .product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortcullisForwardAuthTests",
            dependencies: ["PortcullisForwardAuth", "PortcullisConfig", "PortcullisCore", "PortcullisStore",
                           "PortcullisStoreSQLite", "PortcullisCrypto", "PortcullisAccounts"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PortcullisHTTPTests",
            dependencies: [
                "PortcullisHTTP", "PortcullisConfig", "PortcullisStore", "PortcullisStoreSQLite", "PortcullisCrypto",
                "PortcullisCore", "PortcullisUI", "PortcullisEmail", "PortcullisOAuth", "PortcullisForwardAuth",
                "PortcullisAccounts", "PortcullisHooks", "PortcullisSAML",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
