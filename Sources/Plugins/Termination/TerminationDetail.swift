import Foundation
import PluginAPI

/// What a reviewer's row shows: the application, the agreement's details, and the history of
/// every node of the signing and of the termination, states and reasons by their labels.
struct TerminationDetail: Sendable {
    /// The labels of the two workflows the histories move through.
    let terminationWorkflow: Workflow, agreementWorkflow: Workflow, reasons: [CodeEntry]

    func register(into context: RegistrationContext) {
        let labels = self
        context.route(RouteSpec(
            method: .get, path: ":id/detail", roles: Role.staff.union([.student, .employer]),
            summary: LocalizedText("解约申请详情：说明、协议、签约与解约的全部审核记录", en: "termination with its agreement and histories"),
            input: nil, output: .any
        ) { request in
            let id = request.parameters["id"] ?? ""
            let body = try request.store.read { txn -> JSONValue in
                guard let application = try txn.records.record(TerminationPlugin.kind, id) else { throw PluginError.notFound() }
                let agreementID = application.text("agreementID")
                let agreement = try txn.records.record(TerminationPlugin.agreementKind, agreementID)
                let histories = (try txn.records.history(TerminationPlugin.kind, id) ?? [],
                                 try txn.records.history(TerminationPlugin.agreementKind, agreementID) ?? [])
                return [
                    "termination": Self.json(application, labels.terminationWorkflow),
                    "terminationHistory": try labels.json(histories.0, labels.terminationWorkflow),
                    "agreement": agreement.map { Self.json($0, labels.agreementWorkflow) } ?? .null,
                    "agreementHistory": try labels.json(histories.1, labels.agreementWorkflow),
                    "materials": .string("/api/v1/records/\(TerminationPlugin.kind)/\(id)/materials"),
                ]
            }
            return RouteResponse(status: 200, body: body)
        })
    }

    static func json(_ r: RecordSnapshot, _ workflow: Workflow) -> JSONValue {
        ["id": .string(r.id), "student": .string(r.student), "studentName": .string(r.studentName), "state": .string(r.state),
         "stateLabel": .string(label(r.state, workflow)), "values": .object(r.values)]
    }

    /// The entries as a timeline reads them: the time in ISO 8601, states and the reason by label.
    func json(_ entries: [RecordHistoryEntry], _ workflow: Workflow) throws -> JSONValue {
        let iso = ISO8601DateFormatter()
        return .array(try entries.map { e in
            var o = try JSONValue(encoding: e).objectValue ?? [:]
            o["time"] = .string(iso.string(from: Date(timeIntervalSince1970: e.time)))
            o["fromLabel"] = .string(e.from.isEmpty ? "" : Self.label(e.from, workflow))
            o["toLabel"] = .string(Self.label(e.to, workflow))
            o["reasonLabel"] = .string(reasons.first { $0.code == e.reason }?.name ?? e.reason)
            return .object(o)
        })
    }

    static func label(_ state: String, _ workflow: Workflow) -> String {
        workflow.states.first { $0.id == state }?.label.zh ?? state
    }
}
