import PluginAPI

/// Every error code the core answers, in one place: `APIError` takes one of these, and the
/// OpenAPI document's `Error` schema lists them with their descriptions. The strings are stable:
/// clients branch on them. A plugin's own codes (`PluginError.code`) stay strings, but the
/// built-in ones `PluginAPI` answers with (`bad_request`, `not_found`, `conflict`, the field
/// problems) are here too, so the document names them.
enum ErrorCode: String, CaseIterable, Sendable {
    // The request itself.
    case badRequest = "bad_request"
    case malformedRequest = "malformed_request"
    case duplicateKey = "duplicate_key"
    case payloadTooLarge = "payload_too_large"
    case requestTimeout = "request_timeout"
    case methodNotAllowed = "method_not_allowed"
    case notFound = "not_found"
    case conflict = "conflict"
    case `internal` = "internal"
    case insufficientStorage = "insufficient_storage"
    case recordsUnavailable = "records_unavailable"
    case undeclaredEvent = "undeclared_event"

    // Sessions and accounts.
    case unauthenticated
    case forbidden
    case csrfRefused = "csrf_refused"
    case invalidCredentials = "invalid_credentials"
    case accountLocked = "account_locked"
    case tooManyAttempts = "too_many_attempts"
    case passwordChangeRequired = "password_change_required"
    case weakPassword = "weak_password"
    case wrongPassword = "wrong_password"
    case phoneRequired = "phone_required"
    case tooManyCodes = "too_many_codes"
    case codeExpired = "code_expired"
    case challengeLocked = "challenge_locked"
    case invalidCode = "invalid_code"
    case gatewaySignatureMissing = "gateway_signature_missing"
    case gatewaySignatureStale = "gateway_signature_stale"
    case gatewaySignatureReplayed = "gateway_signature_replayed"
    case gatewaySignatureInvalid = "gateway_signature_invalid"

    // Students, employers, imports.
    case unreadableFile = "unreadable_file"
    case invalidRows = "invalid_rows"
    case invalidCreditCode = "invalid_credit_code"
    case invalidMobile = "invalid_mobile"
    case required
    case exists
    case pending
    case reasonRequired = "reason_required"
    case unknownCodeTable = "unknown_code_table"

    // Records and their review.
    case unknownKind = "unknown_kind"
    case reviewStateReadonly = "review_state_readonly"
    case fieldNotEditable = "field_not_editable"
    case notEditable = "not_editable"
    case invalidTransition = "invalid_transition"
    case invalidReason = "invalid_reason"
    case selfApproval = "self_approval"
    case materialsRequired = "materials_required"
    case conditionNotMet = "condition_not_met"
    case configurationChanged = "configuration_changed"

    // Lists, search, statistics, exports.
    case invalidPageSize = "invalid_page_size"
    case invalidSort = "invalid_sort"
    case unknownView = "unknown_view"
    case unknownState = "unknown_state"
    case unknownLevel = "unknown_level"
    case unknownStatus = "unknown_status"
    case unknownFilter = "unknown_filter"
    case tooManyValues = "too_many_values"
    case unknownDimension = "unknown_dimension"
    case unknownPreset = "unknown_preset"
    case badExport = "bad_export"
    case notReady = "not_ready"

    // Materials.
    case unsupportedType = "unsupported_type"
    case fileTooLarge = "file_too_large"
    case emptyFile = "empty_file"

    // A field's value (`FieldProblem`, from PluginAPI's validation).
    case invalidBoolean = "invalid_boolean"
    case invalidDate = "invalid_date"
    case invalidEmail = "invalid_email"
    case invalidFile = "invalid_file"
    case invalidIDNumber = "invalid_id_number"
    case invalidMonth = "invalid_month"
    case invalidNumber = "invalid_number"
    case invalidPhone = "invalid_phone"
    case invalidRegionCode = "invalid_region_code"
    case invalidText = "invalid_text"
    case invalidType = "invalid_type"
    case outOfRange = "out_of_range"
    case tooLong = "too_long"
    case unknownTable = "unknown_table"

    /// What the code means, in Chinese, for the document.
    var summary: String { Self.summaries[self] ?? rawValue }

    /// Kept as a table (not a switch) so it reads as the list it is; `ErrorCodeTests` checks every
    /// code has one.
    static let summaries: [ErrorCode: String] = [
        .badRequest: "请求有误（参数或字段不合要求，field 指出哪一个）",
        .malformedRequest: "HTTP 报文无法解析",
        .duplicateKey: "JSON 中同一字段出现两次",
        .payloadTooLarge: "请求体超过上限",
        .requestTimeout: "请求体上传超时",
        .methodNotAllowed: "该路径不接受此方法",
        .notFound: "接口或记录不存在（权限范围外的记录同样如此）",
        .conflict: "与现有数据冲突",
        .internal: "服务器内部错误（凭请求编号联系管理员）",
        .insufficientStorage: "存储空间不足，修改未保存",
        .recordsUnavailable: "记录服务尚未就绪",
        .undeclaredEvent: "插件发出了未声明的事件",
        .unauthenticated: "需要登录（缺少或无效的令牌）",
        .forbidden: "无权访问或无权执行",
        .csrfRefused: "以登录 Cookie 发出的修改请求缺少 CSRF 令牌或来自其他网站",
        .invalidCredentials: "用户名或密码错误",
        .accountLocked: "账号已锁定",
        .tooManyAttempts: "登录尝试过于频繁（见 Retry-After）",
        .passwordChangeRequired: "须先修改密码",
        .weakPassword: "密码太弱",
        .wrongPassword: "原密码错误",
        .phoneRequired: "首次登录需验证手机号，但账号没有手机号",
        .tooManyCodes: "验证码发送过于频繁",
        .codeExpired: "验证码已过期",
        .challengeLocked: "验证码错误次数过多",
        .invalidCode: "验证码错误，或代码字段的值不在代码表中",
        .gatewaySignatureMissing: "缺少微信网关签名",
        .gatewaySignatureStale: "微信网关请求已过期",
        .gatewaySignatureReplayed: "微信网关请求重复",
        .gatewaySignatureInvalid: "微信网关签名无效",
        .unreadableFile: "上传的表格无法读取",
        .invalidRows: "导入未执行：有问题的行见报告",
        .invalidCreditCode: "统一社会信用代码无效",
        .invalidMobile: "手机号无效",
        .required: "必填项缺失",
        .exists: "已存在",
        .pending: "已有待审核的申请",
        .reasonRequired: "须填写或选择原因",
        .unknownCodeTable: "没有该代码表",
        .unknownKind: "没有该记录类型",
        .reviewStateReadonly: "审核状态只能通过审核操作改变",
        .fieldNotEditable: "无权修改该字段",
        .notEditable: "当前状态不能修改",
        .invalidTransition: "当前状态不能执行该操作",
        .invalidReason: "未知的原因",
        .selfApproval: "不能审核本人提交或已审核过的记录",
        .materialsRequired: "须上传证明材料",
        .conditionNotMet: "字段的值不满足该操作的条件",
        .configurationChanged: "审核配置刚刚更新，请刷新后重试",
        .invalidPageSize: "每页条数只能是 20、50、100 或 200",
        .invalidSort: "不支持的排序",
        .unknownView: "没有该列表视图",
        .unknownState: "没有该状态",
        .unknownLevel: "没有该审核级别",
        .unknownStatus: "未知的审核状态",
        .unknownFilter: "没有该字段，或该字段不能筛选",
        .tooManyValues: "一次查询的值太多",
        .unknownDimension: "不能按该维度统计",
        .unknownPreset: "没有该导出模板",
        .badExport: "导出请求有误",
        .notReady: "导出尚未完成",
        .unsupportedType: "不接受的文件类型",
        .fileTooLarge: "文件超过上限",
        .emptyFile: "文件为空",
        .invalidBoolean: "应为是或否",
        .invalidDate: "日期无效",
        .invalidEmail: "电子邮箱无效",
        .invalidFile: "文件引用无效",
        .invalidIDNumber: "身份证号无效",
        .invalidMonth: "年月无效",
        .invalidNumber: "数字无效",
        .invalidPhone: "手机号无效",
        .invalidRegionCode: "行政区划代码无效",
        .invalidText: "文本无效",
        .invalidType: "值的类型不对",
        .outOfRange: "超出范围",
        .tooLong: "太长",
        .unknownTable: "字段引用的代码表不存在",
    ]
}
