import Foundation
import PluginAPI

/// The e-signing provider's callback: after approval the outbox carries `esign.start`; when the
/// employer has sealed on the provider's side, the provider posts here, signed with the shared
/// secret. A bad or missing signature changes nothing.
struct ESignCallback: Sendable {
    let settings: ESignSettings

    struct Callback: Decodable {
        /// `sealed`.
        var event: String
        /// The agreement's record id (as sent in `esign.start`).
        var record: String
        /// The provider's reference, kept in the history note.
        var reference: String?
    }

    func register(into context: RegistrationContext) {
        let settings = self.settings
        context.route(RouteSpec(
            method: .post, path: "esign/callback", roles: [],
            summary: LocalizedText("电子签章平台回调（X-Jiuye-Signature 签名）", en: "e-signing provider callback"),
            input: .object([("event", .text), ("record", .text), ("reference", .text)], required: ["event", "record"]),
            output: .object([("record", .text), ("state", .text)], required: ["record", "state"])
        ) { request in
            guard let secret = settings.resolvedSecret(), request.isSigned(secret) else {
                throw PluginError(status: 401, code: "signature_invalid", message: "回调签名无效")
            }
            let callback = try request.decode(Callback.self)
            guard callback.event == "sealed" else { throw PluginError.badRequest("未知的回调事件 \(callback.event)", field: "event") }
            let record = try await request.store.commit { txn in
                try txn.systemRecords.transition(AgreementsPlugin.kind, callback.record, action: "seal",
                                                 note: "电子签章平台回调" + (callback.reference.map { "：\($0)" } ?? ""))
            }
            return RouteResponse(status: 200, body: ["record": .string(record.id), "state": .string(record.state)])
        })
    }
}
