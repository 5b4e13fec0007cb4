import Foundation
import JiuyeTesting
import Plugins
@testable import Daemon

/// Demo logins (see DemoInstitution): the software-engineering classes are 软件2201 and 软件2301.
enum Demo {
    static let password = DemoInstitution.staffPassword
    /// A 2026 software-engineering student (class 软件2201) and their initial password.
    static let student = "202211001"
    static let studentPassword = "020118"
    /// Another software student, and an accounting student (经济管理学院).
    static let classmate = "202211002"
    static let accountant = "202231001"

    /// A demo student's initial password: the last six characters of their ID number.
    static func initialPassword(_ number: String) -> String { DemoInstitution.initialPassword(of: number)! }

    static func start(_ extra: String = "") async throws -> TestDaemon {
        try await TestDaemon.start(builtins: BuiltinPlugins.all, config: "plugins: {source-info: {}}\n" + extra, seedDemo: true)
    }
}
