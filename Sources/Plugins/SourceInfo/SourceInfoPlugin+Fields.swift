import PluginAPI

extension SourceInfoPlugin {
    /// The national-database column set (2023 onward). 学籍信息 comes from the registry import
    /// and is locked for students; the rest the student verifies and fills.
    static let fields: [FieldSpec] = {
        let registry = "学籍信息", personal = "个人信息", archive = "档案与户口"
        return [
            FieldSpec("studentNumber", LocalizedText("学号", en: "student number"), .text(maxLength: 32), required: true, editableBy: .nobody, national: 1, indexed: true, group: registry),
            FieldSpec("examineeNumber", LocalizedText("考生号", en: "examinee number"), .text(maxLength: 32), editableBy: .nobody, national: 2, group: registry),
            FieldSpec("name", LocalizedText("姓名", en: "name"), .text(maxLength: 64), required: true, editableBy: .nobody, national: 3, indexed: true, group: registry),
            FieldSpec("gender", LocalizedText("性别", en: "gender"), .code(table: "gender"), required: true, editableBy: .nobody, national: 4, indexed: true, group: registry),
            FieldSpec("birthDate", LocalizedText("出生日期", en: "date of birth"), .date, required: true, editableBy: .nobody, national: 5, group: registry),
            FieldSpec("idNumber", LocalizedText("身份证号", en: "ID number"), .idNumber, required: true, editableBy: .nobody, national: 6, indexed: true, group: registry),
            FieldSpec("ethnicity", LocalizedText("民族", en: "ethnicity"), .code(table: "ethnicity"), required: true, editableBy: .nobody, national: 7, group: registry),
            FieldSpec("college", LocalizedText("院系", en: "college"), .text(maxLength: 64), required: true, editableBy: .nobody, national: 12, indexed: true, group: registry),
            FieldSpec("majorName", LocalizedText("专业名称", en: "major"), .text(maxLength: 64), required: true, editableBy: .nobody, national: 13, indexed: true, group: registry),
            FieldSpec("majorCode", LocalizedText("专业代码", en: "major code"), .text(maxLength: 16), required: true, editableBy: .nobody, national: 14, group: registry),
            FieldSpec("majorDirection", LocalizedText("专业方向", en: "specialisation"), .text(maxLength: 64), editableBy: .nobody, national: 15, group: registry),
            FieldSpec("className", LocalizedText("班级", en: "class"), .text(maxLength: 64), required: true, editableBy: .nobody, national: 16, indexed: true, group: registry),
            FieldSpec("educationLevel", LocalizedText("学历层次", en: "education level"), .code(table: "education-level"), required: true, editableBy: .nobody, national: 17, indexed: true, group: registry),
            FieldSpec("schoolingYears", LocalizedText("学制", en: "length of study"), .number(min: 1, max: 8, decimals: 1), required: true, editableBy: .nobody, national: 18, group: registry),
            FieldSpec("enrollmentMonth", LocalizedText("入学年月", en: "enrolment month"), .month, required: true, editableBy: .nobody, national: 19, group: registry),
            FieldSpec("graduationDate", LocalizedText("毕业日期", en: "graduation date"), .date, required: true, editableBy: .nobody, national: 20, group: registry),
            FieldSpec("cohort", LocalizedText("毕业年份", en: "cohort"), .number(min: 2000, max: 2100), required: true, editableBy: .nobody, national: 21, indexed: true, group: registry),
            FieldSpec("trainingMode", LocalizedText("培养方式", en: "training mode"), .code(table: "training-mode"), required: true, editableBy: .nobody, national: 22, group: registry),
            FieldSpec("sponsorEmployer", LocalizedText("定向/委培单位", en: "sponsoring employer"), .text(maxLength: 128), editableBy: .staff, national: 23, group: registry),
            FieldSpec("studyMode", LocalizedText("学习形式", en: "study mode"), .code(table: "study-mode"), required: true, editableBy: .nobody, national: 24, group: registry),
            FieldSpec("normalStudent", LocalizedText("师范生类别", en: "teacher-training category"), .code(table: "normal-student"), required: true, editableBy: .nobody, national: 26, group: registry),
            FieldSpec("hardship", LocalizedText("困难生类别", en: "hardship category"), .code(table: "hardship"), required: true, editableBy: .staff, national: 25, indexed: true, group: registry),

            FieldSpec("politicalStatus", LocalizedText("政治面貌", en: "political status"), .code(table: "political-status"), required: true, national: 8, group: personal),
            FieldSpec("urbanRural", LocalizedText("城乡生源", en: "urban or rural origin"), .code(table: "urban-rural"), required: true, national: 9, group: personal),
            FieldSpec("originRegionCode", LocalizedText("生源所在地代码", en: "origin region code"), .regionCode, required: true, national: 10, indexed: true, group: personal),
            FieldSpec("originRegionName", LocalizedText("生源所在地", en: "origin region"), .text(maxLength: 64), required: true, national: 11, group: personal),
            FieldSpec("mobile", LocalizedText("手机号码", en: "mobile"), .phone, required: true, national: 27, group: personal),
            FieldSpec("email", LocalizedText("电子邮箱", en: "email"), .email, national: 28, group: personal),
            FieldSpec("homeAddress", LocalizedText("家庭住址", en: "home address"), .text(maxLength: 200), required: true, national: 29, group: personal),

            FieldSpec("archiveToSchool", LocalizedText("档案是否转入学校", en: "archive moved to school"), .boolean, required: true, national: 30, group: archive),
            FieldSpec("householdToSchool", LocalizedText("户口是否转入学校", en: "household registration moved to school"), .boolean, required: true, national: 31, group: archive),
            FieldSpec("preEnrollmentArchiveUnit", LocalizedText("入学前档案所在单位", en: "archive holder before enrolment"), .text(maxLength: 128), national: 32, group: archive),
        ]
    }()
}
