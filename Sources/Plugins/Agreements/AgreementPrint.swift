import Foundation
import PluginAPI

/// 空白协议书打印: a print-ready page (A4, the number and the parties) for an agreement signed
/// offline on paper. The browser prints it or saves it as PDF.
struct AgreementPrint: Sendable {
    func register(into context: RegistrationContext) {
        context.route(RouteSpec(
            method: .get, path: ":id/print", roles: Role.staff.union([.student]),
            summary: LocalizedText("打印空白协议书（HTML，A4）", en: "printable blank agreement"),
            input: nil, output: .described(.text, "text/html")
        ) { request in
            let id = request.parameters["id"] ?? ""
            guard let record = try request.store.read({ try $0.records.record(AgreementsPlugin.kind, id) }) else { throw PluginError.notFound() }
            guard record.text("signingType") == "blank-print" else {
                throw PluginError.conflict("只有签约方式为“空白协议书打印”的协议可以打印")
            }
            return RouteResponse(contentType: "text/html; charset=utf-8", bytes: Data(Self.page(record).utf8))
        })
        context.consoleLink(.page("print", kind: AgreementsPlugin.kind, label: LocalizedText("打印空白协议书", en: "print"), route: ":id/print",
                                  roles: Role.staff.union([.student]), conditions: [FieldCondition("signingType", in: ["blank-print"])]))
    }

    static func page(_ r: RecordSnapshot) -> String {
        func row(_ label: String, _ value: String) -> String {
            "<tr><th>\(escape(label))</th><td>\(value.isEmpty ? "&nbsp;" : escape(value))</td></tr>"
        }
        return """
        <!doctype html>
        <html lang="zh-CN"><head><meta charset="utf-8"><title>三方协议 \(escape(r.text("agreementNumber")))</title>
        <style>
        @page { size: A4; margin: 20mm; }
        body { font-family: "Noto Serif CJK SC", "SimSun", serif; font-size: 12pt; }
        h1 { text-align: center; font-size: 20pt; letter-spacing: 0.3em; }
        .number { text-align: right; }
        table { width: 100%; border-collapse: collapse; margin-top: 8mm; }
        th, td { border: 1px solid #000; padding: 3mm; text-align: left; }
        th { width: 30%; font-weight: normal; }
        .seals { display: flex; justify-content: space-between; margin-top: 25mm; }
        </style></head><body>
        <h1>全国普通高等学校毕业生就业协议书</h1>
        <p class="number">协议书编号：\(escape(r.text("agreementNumber")))</p>
        <table>
        \(row("甲方（用人单位）", r.text("employerName")))
        \(row("统一社会信用代码", r.text("employerCreditCode")))
        \(row("乙方（毕业生）", r.studentName))
        \(row("学号", r.student))
        \(row("丙方（学校）", "学校毕业生就业工作部门"))
        \(row("岗位", r.text("position")))
        \(row("月薪（元）", r.text("monthlySalary")))
        \(row("合同期限（月）", r.text("termMonths")))
        \(row("工作地址", r.text("workplaceAddress")))
        </table>
        <div class="seals"><span>甲方（盖章）</span><span>乙方（签字）</span><span>丙方（盖章）</span></div>
        </body></html>
        """
    }

    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
