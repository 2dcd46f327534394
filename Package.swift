// swift-tools-version:6.0
import Foundation
import PackageDescription

/// `WARD_FUZZ=1 swift build --sanitize=fuzzer ...` builds ward-fuzz under libFuzzer. That build cannot run the
/// EmbedFiles tool (libFuzzer's main would replace its own), so WardKit gets empty embedded files instead.
let fuzzing = ProcessInfo.processInfo.environment["WARD_FUZZ"] == "1"

let package = Package(
    name: "Ward",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "ward", targets: ["ward"]),
        .library(name: "WardKit", targets: ["WardKit"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.0"),
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
    ],
    targets: [
        .systemLibrary(name: "CNcursesw", path: "Sources/CNcursesw", pkgConfig: "ncursesw",
                       providers: [.apt(["libncurses-dev"])]),
        // Turns templates/ and data/ into Swift source so an installed `ward` needs no files beside it.
        .executableTarget(name: "EmbedFiles", path: "Sources/EmbedFiles"),
        .plugin(name: "EmbedPlugin", capability: .buildTool(), dependencies: ["EmbedFiles"],
                path: "Plugins/EmbedPlugin"),
        // The C calls Swift cannot make (prctl and syscall are variadic): a sync's git dies with Ward; openat2.
        .target(name: "CWardSupport", path: "Sources/CWardSupport"),
        .target(
            name: "WardKit",
            dependencies: [
                "CWardSupport",
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Ink", package: "Ink"),
            ],
            exclude: fuzzing ? [] : ["Fuzzing"],
            plugins: fuzzing ? [] : ["EmbedPlugin"]
        ),
        // The app as state, messages, update and views drawing into a cell grid. No curses here.
        .target(name: "WardTUI", dependencies: ["WardKit"]),
        // The ncurses backend: the only code that touches curses.
        .target(name: "Terminal", dependencies: ["WardTUI", "CNcursesw"]),
        .executableTarget(
            name: "ward",
            dependencies: [
                "WardKit", "WardTUI", "Terminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // Release: no relocation of the executable at start, and the C++ runtime linked in statically
            // (see Linking/static-cxx), which takes about 1 ms off every start.
            linkerSettings: [.unsafeFlags(["-Xlinker", "-no-pie", "-L", Context.packageDirectory + "/Linking/static-cxx"],
                                          .when(configuration: .release))]
        ),
        // The parsers under libFuzzer (built with -DWARD_FUZZING); built normally, it replays the kept corpus.
        .executableTarget(name: "ward-fuzz", dependencies: ["WardKit"], path: "Sources/WardFuzz"),
        // A small program that rewrites one record in a loop, for the kill -9 tests.
        .executableTarget(name: "ward-torture", dependencies: ["WardKit"], path: "Sources/WardTorture"),
        // Generates realistic stores of any size and measures Ward against its peers (BENCHMARKS.md).
        .executableTarget(name: "ward-bench", dependencies: ["WardKit", "WardTUI"], path: "Sources/WardBench"),
        // The least a program can do to append a line durably: the baseline `ward log` is compared to.
        .executableTarget(name: "bench-append", path: "Sources/BenchAppend"),
        .testTarget(
            name: "WardKitTests",
            dependencies: ["WardKit", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(name: "WardTUITests", dependencies: ["WardTUI", "WardKit"]),
        .testTarget(name: "WardCLITests", dependencies: ["WardKit", "ward", "ward-torture", "ward-fuzz", "ward-bench"]),
    ]
)
