import PluginAPI

/// The core's queues of requests staff decide on, as the console's generic queue screen draws
/// them: where the rows come from, the columns, a tab per status (the route's `status`), and the
/// decision routes (`:key` is a row's key). Today one: 用人单位注册, for the school.
extension ConsoleSchema {
    static func queues(roles: Set<Role>) -> [JSONValue] {
        guard roles.contains(.school) else { return [] }
        let base = "/api/v1/employers/registrations"
        let statuses: [JSONValue] = [["value": "pending", "label": "待审核"], ["value": "approved", "label": "已通过"], ["value": "rejected", "label": "已驳回"]]
        let columns: [JSONValue] = [
            ["path": "name", "label": "单位名称"], ["path": "creditCode", "label": "统一社会信用代码"], ["path": "contact", "label": "联系人"],
            ["path": "mobile", "label": "手机号"], ["path": "submitted", "label": "申请时间", "format": "time"], ["path": "reason", "label": "驳回原因"],
        ]
        let decisions: [JSONValue] = [
            ["action": "approve", "label": "通过", "path": .string(base + "/:key/approve"), "requiresReason": false],
            ["action": "reject", "label": "驳回", "path": .string(base + "/:key/reject"), "requiresReason": true],
        ]
        let queue: JSONObject = [
            "id": "employers", "label": "用人单位注册审核", "path": .string(base), "rows": "registrations", "key": "creditCode",
            "statuses": .array(statuses), "columns": .array(columns), "decisions": .array(decisions),
        ]
        return [.object(queue)]
    }
}
