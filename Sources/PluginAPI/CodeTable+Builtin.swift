// The national code tables of DOMAIN.md, built in so every plugin names the same codes.
// Where DOMAIN.md marks a code as unsure, the table still ships it; institutions correct
// or extend tables in plugins.yaml.

private func codes(_ pairs: [(String, String)], parent: String? = nil) -> [CodeEntry] {
    pairs.map { CodeEntry($0.0, $0.1, parent: parent) }
}

extension CodeTable {
    /// 性别, GB/T 2261.
    public static let gender = CodeTable(
        id: "gender", label: LocalizedText("性别", en: "gender"), source: "GB/T 2261",
        entries: codes([("1", "男"), ("2", "女")]))

    /// 政治面貌, GB/T 4762.
    public static let politicalStatus = CodeTable(
        id: "political-status", label: LocalizedText("政治面貌", en: "political status"), source: "GB/T 4762",
        entries: codes([
            ("01", "中共党员"), ("02", "中共预备党员"), ("03", "共青团员"), ("04", "民革会员"),
            ("05", "民盟盟员"), ("06", "民建会员"), ("07", "民进会员"), ("08", "农工党党员"),
            ("09", "致公党党员"), ("10", "九三学社社员"), ("11", "台盟盟员"), ("12", "无党派民主人士"),
            ("13", "群众"),
        ]))

    /// 民族, GB 3304.
    public static let ethnicity: CodeTable = {
        let names = [
            "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族",
            "满族", "侗族", "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族",
            "佤族", "畲族", "高山族", "拉祜族", "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族",
            "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族", "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族",
            "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族", "德昂族", "保安族", "裕固族", "京族", "塔塔尔族",
            "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
        ]
        var list = names.enumerated().map { CodeEntry(String(format2: $0.offset + 1), $0.element) }
        list.append(CodeEntry("97", "其他"))
        list.append(CodeEntry("98", "外国血统中国籍人士"))
        return CodeTable(id: "ethnicity", label: LocalizedText("民族", en: "ethnicity"), source: "GB 3304", entries: list)
    }()

    /// 学历层次. The 专科/高职 codes are unsure (DOMAIN.md): adjust in plugins.yaml.
    public static let educationLevel = CodeTable(
        id: "education-level", label: LocalizedText("学历层次", en: "education level"),
        entries: codes([
            ("01", "博士生毕业"), ("03", "博士生结业"), ("11", "硕士生毕业"), ("13", "硕士生结业"),
            ("31", "本科生毕业"), ("33", "本科生结业"), ("41", "专科生毕业"), ("61", "高职生毕业"),
        ]))

    /// 培养方式. National code values are unsure: the names are the codes until an institution sets them.
    public static let trainingMode = CodeTable(
        id: "training-mode", label: LocalizedText("培养方式", en: "training mode"),
        entries: codes([("非定向", "非定向"), ("定向", "定向"), ("在职", "在职"), ("委培", "委培"), ("自筹", "自筹")]))

    /// 师范生类别.
    public static let normalStudentCategory = CodeTable(
        id: "normal-student", label: LocalizedText("师范生类别", en: "teacher-training category"),
        entries: codes([("1", "普通师范生"), ("12", "公费师范生"), ("2", "非师范生")]))

    /// 困难生类别. Codes unsure: the names are the codes until an institution sets them.
    public static let hardshipCategory = CodeTable(
        id: "hardship", label: LocalizedText("困难生类别", en: "hardship category"),
        entries: codes([
            ("非困难生", "非困难生"), ("就业困难", "就业困难"), ("家庭困难", "家庭困难"), ("残疾", "残疾"),
            ("家庭困难和残疾", "家庭困难和残疾"), ("就业困难和家庭困难", "就业困难和家庭困难"),
            ("就业困难和残疾", "就业困难和残疾"),
        ]))

    /// 城乡生源.
    public static let urbanRural = CodeTable(
        id: "urban-rural", label: LocalizedText("城乡生源", en: "urban or rural origin"),
        entries: codes([("城镇", "城镇"), ("农村", "农村")]))

    /// 毕业去向 (2021 definitions), with sub-codes under their parents.
    public static let destination = CodeTable(
        id: "destination", label: LocalizedText("毕业去向", en: "graduation destination"),
        source: "教学厅函〔2021〕19号",
        entries: codes([
            ("10", "签就业协议形式就业"), ("11", "签劳动合同形式就业"), ("12", "其他录用形式就业"),
            ("27", "科研助理、管理助理"),
        ]) + codes([("271", "科研助理、管理助理")], parent: "27")
            + codes([("46", "应征义务兵"), ("50", "国家基层项目")])
            + codes([("501", "特岗计划"), ("502", "三支一扶"), ("503", "西部计划")], parent: "50")
            + codes([("51", "地方基层项目")])
            + codes([("512", "地方选调生"), ("519", "其他地方基层项目")], parent: "51")
            + codes([("75", "自主创业"), ("76", "自由职业"), ("80", "境内升学")])
            + codes([("801", "研究生"), ("802", "第二学士学位")], parent: "80")
            + codes([("85", "境外留学"), ("70", "待就业"), ("71", "不就业拟升学"), ("72", "其他暂不就业")]))

    /// 单位性质.
    public static let employerNature = CodeTable(
        id: "employer-nature", label: LocalizedText("单位性质", en: "employer type"),
        entries: codes([
            ("10", "机关"), ("20", "科研设计单位"), ("21", "高等教育单位"), ("22", "中初教育单位"),
            ("23", "医疗卫生单位"), ("29", "其他事业单位"), ("31", "国有企业"), ("32", "三资企业"),
            ("39", "其他企业"), ("40", "部队"), ("55", "农村建制村"), ("56", "城镇社区"),
        ]))

    /// 单位行业, GB/T 4754 sections.
    public static let industry = CodeTable(
        id: "industry", label: LocalizedText("单位行业", en: "industry"), source: "GB/T 4754",
        entries: codes([
            ("11", "农林牧渔"), ("21", "采矿"), ("22", "制造"), ("23", "电力热力燃气水"), ("24", "建筑"),
            ("31", "批发零售"), ("32", "交通运输仓储邮政"), ("33", "住宿餐饮"), ("34", "信息传输软件和信息技术服务"),
            ("35", "金融"), ("36", "房地产"), ("37", "租赁商务服务"), ("38", "科研技术服务"),
            ("39", "水利环境公共设施"), ("41", "居民服务修理其他服务"), ("42", "教育"), ("43", "卫生社会工作"),
            ("44", "文化体育娱乐"), ("45", "公共管理社会保障社会组织"), ("46", "国际组织"), ("80", "军队"),
        ]))

    /// 工作职位类别.
    public static let jobCategory = CodeTable(
        id: "job-category", label: LocalizedText("工作职位类别", en: "job category"),
        entries: codes([
            ("10", "公务员"), ("11", "科学研究人员"), ("13", "工程技术人员"), ("17", "农林牧渔业技术人员"),
            ("19", "卫生专业技术人员"), ("21", "经济业务人员"), ("22", "金融业务人员"), ("23", "法律专业人员"),
            ("24", "教学人员"), ("25", "文学艺术工作人员"), ("26", "体育工作人员"), ("27", "新闻出版和文化工作人员"),
            ("29", "其他专业技术人员"), ("30", "办事人员和有关人员"), ("40", "商业和服务业人员"),
            ("60", "生产和运输设备操作人员"), ("80", "军人"), ("90", "其他人员"),
        ]))

    /// Every built-in table, by id.
    public static let builtin: [String: CodeTable] = Dictionary(uniqueKeysWithValues: [
        gender, politicalStatus, ethnicity, educationLevel, trainingMode, normalStudentCategory,
        hardshipCategory, urbanRural, destination, employerNature, industry, jobCategory,
    ].map { ($0.id, $0) })
}

extension String {
    /// Two-digit zero-padded number.
    init(format2 n: Int) { self = n < 10 ? "0\(n)" : "\(n)" }
}
