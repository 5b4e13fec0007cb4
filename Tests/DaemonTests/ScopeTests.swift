import Foundation
import JiuyeTesting
import PluginAPI
import Testing
@testable import Daemon

@Suite("Scopes, enforced by the core")
struct ScopeTests {
    @Test("a counselor sees their classes only: another class answers 404 and is never listed")
    func counselor() async throws {
        let d = try await Demo.start()
        let t = try await d.login("counselor-se", Demo.password)
        #expect(try await d.request(.get, "/api/v1/students/\(Demo.student)", token: t).status == 200)
        let other = try await d.request(.get, "/api/v1/students/\(Demo.accountant)", token: t)
        #expect(other.status == 404 && other.errorCode == "not_found")
        #expect(try await d.request(.get, "/api/v1/students/nosuch", token: t).body == other.body)
        // Staff actions outside the scope are 404 too.
        #expect(try await d.request(.post, "/api/v1/students/\(Demo.accountant)/unlock", token: t).status == 404)

        var seen: [String] = []
        var after: String? = nil
        repeat {
            let page = try await d.request(.get, "/api/v1/students?limit=7" + (after.map { "&after=\($0)" } ?? ""), token: t).json
            seen += page["students"]?.arrayValue?.compactMap { $0["class"]?.stringValue } ?? []
            after = page["next"]?.stringValue
        } while after != nil
        #expect(seen.count == 40)
        #expect(Set(seen) == ["软件2201", "软件2301"])
        let cohort = try await d.request(.get, "/api/v1/students?cohort=2027&limit=200", token: t).json["students"]?.arrayValue ?? []
        #expect(cohort.count == 20 && cohort.allSatisfy { $0["cohort"] == 2027 })
        try await d.stop()
    }

    @Test("a college officer cannot fetch or list another college")
    func collegeOfficer() async throws {
        let d = try await Demo.start()
        let t = try await d.login("cs-college", Demo.password)
        #expect(try await d.request(.get, "/api/v1/students/\(Demo.accountant)", token: t).status == 404)
        let all = try await d.request(.get, "/api/v1/students?limit=200", token: t).json["students"]?.arrayValue ?? []
        #expect(all.count == 80 && all.allSatisfy { $0["college"] == "计算机学院" })
        let econ = try #require(try await d.request(.get, "/api/v1/students/\(Demo.accountant)", token: try await d.login("school", Demo.password)).json["collegeId"]?.intValue)
        let filtered = try await d.request(.get, "/api/v1/students?college=\(econ)", token: t).json["students"]?.arrayValue
        #expect(filtered == [])
        try await d.stop()
    }

    @Test("a student sees only themself; anonymous callers get 401; wrong roles get 403")
    func studentAnonymousAndRoles() async throws {
        let d = try await Demo.start()
        let t = try await d.login(Demo.student, Demo.studentPassword)
        #expect(try await d.request(.get, "/api/v1/students/\(Demo.student)", token: t).json["name"] != nil)
        #expect(try await d.request(.get, "/api/v1/students/\(Demo.classmate)", token: t).status == 404)
        #expect(try await d.request(.get, "/api/v1/students", token: t).status == 403)
        #expect(try await d.request(.get, "/api/v1/students").status == 401)
        #expect(try await d.request(.get, "/api/v1/students/\(Demo.student)").status == 401)
        let employer = try await d.login(DemoInstitution.employerCreditCode, Demo.password)
        #expect(try await d.request(.get, "/api/v1/students", token: employer).status == 403)
        #expect(try await d.request(.post, "/api/v1/students/import", rawBody: Data("学号\n".utf8), token: try await d.login("counselor-se", Demo.password)).status == 403)
        let school = try await d.request(.get, "/api/v1/students?limit=200", token: try await d.login("school", Demo.password))
        #expect(try school.json["students"]?.arrayValue?.count == 200)
        try await d.stop()
    }

    @Test("the scope of an account is the union over its roles")
    func scopeUnion() {
        var a = Account(id: "x", displayName: "x", roles: [.counselor, .college])
        a.classIDs = [7]
        a.collegeID = 2
        let s = Scope(account: a)
        let inClass = StudentEntry(number: "1", name: "", idNumber: "", gender: "1", collegeID: 9, majorID: 8, classID: 7, educationLevel: "31", cohort: 2026)
        let inCollege = StudentEntry(number: "2", name: "", idNumber: "", gender: "1", collegeID: 2, majorID: 3, classID: 4, educationLevel: "31", cohort: 2026)
        let outside = StudentEntry(number: "3", name: "", idNumber: "", gender: "1", collegeID: 5, majorID: 6, classID: 1, educationLevel: "31", cohort: 2026)
        #expect(s.contains(inClass) && s.contains(inCollege) && !s.contains(outside) && !s.all)
    }
}
