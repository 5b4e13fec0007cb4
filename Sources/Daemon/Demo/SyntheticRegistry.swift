import Foundation
import PluginAPI

/// A made-up registry export (学籍) of any size, with valid ID numbers: the input of the
/// benchmarks and of `seed institution`. Row i is always the same student.
public struct SyntheticRegistry: Sendable {
    /// How many colleges; each has 4 majors of 5 classes.
    public var colleges = 20
    /// Graduation years from 2026 on.
    public var cohorts = 3

    /// A registry of `colleges` colleges over `cohorts` graduation years.
    public init(colleges: Int = 20, cohorts: Int = 3) {
        self.colleges = colleges
        self.cohorts = cohorts
    }

    /// The column headers, as a registry export names them.
    public static let header = ["学号", "姓名", "身份证号", "性别", "院系", "专业", "班级", "学历层次", "毕业年份"]
    static let surnames = Array("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧")
    static let given = Array("伟芳娜敏静丽强磊洋艳勇军杰娟涛明超霞平刚桂英华玉兰")
    /// Most graduates are 本科; some 硕士 and 专科 (education-level codes by label).
    static let levels = ["本科生毕业", "本科生毕业", "本科生毕业", "本科生毕业", "本科生毕业", "本科生毕业", "硕士生毕业", "专科生毕业"]

    /// Student number i.
    public func row(_ i: Int) -> [String] {
        let cohort = 2026 + i % max(cohorts, 1)
        let college = i % colleges, major = (i / colleges) % 4, klass = (i / (colleges * 4)) % 5
        let male = i % 2 == 0
        let first17 = "3301062004\(String(format: "%02d%02d", 1 + i % 12, 1 + i % 28))\(String(format: "%02d", (i / 5) % 100))\(male ? 1 : 2)"
        let id = first17 + String(IDNumber.checkCharacter(for: first17)!)
        let name = String(Self.surnames[i % Self.surnames.count]) + String(Self.given[(i / 7) % Self.given.count]) + String(Self.given[(i / 3) % Self.given.count])
        // A major keeps one education level, as in a real school.
        let level = Self.levels[(college * 4 + major) % Self.levels.count]
        return [String(format: "%d%07d", cohort - 4, i), name, id, male ? "男" : "女", "第\(college + 1)学院", "专业\(college + 1)-\(major + 1)",
                "班\(college + 1)-\(major + 1)-\(klass + 1)-\(cohort % 100)", level, "\(cohort)"]
    }

    /// The whole export as CSV.
    public func csv(students: Int) -> Data {
        var text = Self.header.joined(separator: ",") + "\n"
        text.reserveCapacity(students * 90)
        for i in 0..<students { text += row(i).joined(separator: ",") + "\n" }
        return Data(text.utf8)
    }
}
