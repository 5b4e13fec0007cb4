import Foundation
import PluginAPI
import Storage

/// 示例大学: a small institution to try every module with, seeded into an empty data directory.
/// Everything is deterministic, so the README can name logins that work.
enum DemoInstitution {
    /// The password of every demo staff and employer account.
    static let staffPassword = "Demo@2026"
    /// The demo employer's credit code (check character computed per GB 32100).
    static let employerCreditCode: String = {
        let head = "91110108MA01ABCD1"
        return head + String(CreditCode.checkCharacter(for: head)!)
    }()

    /// (college, major, class prefix) of the demo tree.
    static let tree: [(String, String, String)] = [
        ("计算机学院", "软件工程", "软件"), ("计算机学院", "计算机科学与技术", "计科"),
        ("经济管理学院", "会计学", "会计"), ("经济管理学院", "市场营销", "营销"), ("经济管理学院", "国际经济与贸易", "国贸"),
    ]
    static let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗")
    static let given = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平"]

    /// The registry export of the demo school: 200 students over two cohorts, ten classes.
    static func registryCSV() -> String {
        // The nine columns every registry export has, then the other registry fields of 生源信息.
        var lines = ["学号,姓名,身份证号,性别,院系,专业,班级,学历层次,毕业年份,民族,专业代码,学制,入学年月,毕业日期,培养方式,学习形式,师范生类别,困难生类别"]
        var serial = 0
        for (cohortIndex, cohort) in [2026, 2027].enumerated() {
            let entry = cohort - 4
            for (t, (college, major, prefix)) in tree.enumerated() {
                let className = "\(prefix)\(entry % 100)01"
                for n in 1...20 {
                    serial += 1
                    let number = "\(entry)\(t + 1)\(cohortIndex + 1)\(String(format: "%03d", n))"
                    let name = String(surnames[(serial * 7) % surnames.count]) + given[(serial * 3) % given.count]
                    let male = serial % 2 == 1
                    let month = 1 + serial % 12, day = 1 + serial % 28
                    let sequence = String(format: "%02d", serial % 100) + (male ? "1" : "2")
                    let first17 = "110108\(entry - 18)\(String(format: "%02d%02d", month, day))\(sequence)"
                    let id = first17 + String(IDNumber.checkCharacter(for: first17)!)
                    let majorCode = ["080902", "080901", "120203K", "120202", "020401"][t]
                    lines.append("\(number),\(name),\(id),\(male ? "男" : "女"),\(college),\(major),\(className),本科生毕业,\(cohort),"
                                 + "\(serial % 9 == 0 ? "03" : "01"),\(majorCode),4,\(entry)-09,\(cohort)-06-30,非定向,1,2,非困难生")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A demo student's initial password: the last six characters of their ID number.
    static func initialPassword(of number: String) -> String? {
        registryCSV().split(separator: "\n").first { $0.hasPrefix(number + ",") }.map { String($0.split(separator: ",")[2].suffix(6)) }
    }

    /// Seeds the demo school when the directory holds no student and no account.
    /// - Returns: whether it seeded.
    @discardableResult
    static func seedIfEmpty(directory: DirectoryStore, kinds: RecordKinds, hasher: PasswordHasher) throws -> Bool {
        let empty = try directory.environment.read { txn in
            try directory.students.primary.count(txn) == 0 && directory.accounts.primary.count(txn) == 0
        }
        guard empty else { return false }
        let report = try StudentImport.forKinds(kinds, store: directory).run(Data(registryCSV().utf8), skipInvalid: false)
        precondition(report.applied, "the demo registry is invalid: \(report.problems)")
        let hash = try hasher.hash(staffPassword)
        try directory.environment.write { txn in
            let cs = try directory.findUnit(txn, name: "计算机学院", parent: nil)!
            let classes = try directory.allUnits(txn).filter { $0.kind == .class && $0.name.hasPrefix("软件") }.map(\.id)
            let school = Account(id: "school", displayName: "就业指导中心", roles: [.school])
            var college = Account(id: "cs-college", displayName: "计算机学院就业办", roles: [.college])
            college.collegeID = cs
            var counselor = Account(id: "counselor-se", displayName: "软件工程辅导员", roles: [.counselor])
            counselor.classIDs = classes
            var employer = Account(id: employerCreditCode, displayName: "示例科技有限公司", roles: [.employer])
            employer.creditCode = employerCreditCode
            for var a in [school, college, counselor, employer] {
                a.passwordHash = hash
                try directory.accounts.put(txn, a.id, a)
            }
        }
        return true
    }
}
