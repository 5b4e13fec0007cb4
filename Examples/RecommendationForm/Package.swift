// swift-tools-version:6.0
import PackageDescription

// A school's own jiuyed: jiuye's daemon and built-in plugins plus 就业推荐表.
let package = Package(
    name: "RecommendationForm",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "jiuyed", targets: ["SchoolJiuyed"]),
    ],
    dependencies: [
        // A school writes .package(url: "https://…/jiuye.git", from: "0.1.0") here.
        .package(name: "jiuye", path: "../.."),
    ],
    targets: [
        // The plugin sees only PluginAPI, as the built-in ones do.
        .target(name: "RecommendationForm", dependencies: [.product(name: "PluginAPI", package: "jiuye")]),
        // Target names are unique across the package graph and jiuye has a `jiuyed` target; the
        // product gives the binary its usual name.
        .executableTarget(name: "SchoolJiuyed", dependencies: [
            "RecommendationForm", .product(name: "Daemon", package: "jiuye"),
        ]),
        .testTarget(name: "RecommendationFormTests", dependencies: [
            "RecommendationForm", .product(name: "JiuyeTesting", package: "jiuye"),
        ]),
    ]
)
