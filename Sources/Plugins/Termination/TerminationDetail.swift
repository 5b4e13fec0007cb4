import PluginAPI

/// What a reviewer's row shows: the application, the agreement's details, and the history of
/// every node of the signing and of the termination.
struct TerminationDetail: Sendable {
    func register(into context: RegistrationContext) {
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
                return [
                    "termination": Self.json(application),
                    "terminationHistory": try Self.json(txn.records.history(TerminationPlugin.kind, id) ?? []),
                    "agreement": agreement.map(Self.json) ?? .null,
                    "agreementHistory": try Self.json(txn.records.history(TerminationPlugin.agreementKind, agreementID) ?? []),
                    "materials": .string("/api/v1/records/\(TerminationPlugin.kind)/\(id)/materials"),
                ]
            }
            return RouteResponse(status: 200, body: body)
        })
    }

    static func json(_ r: RecordSnapshot) -> JSONValue {
        ["id": .string(r.id), "student": .string(r.student), "studentName": .string(r.studentName), "state": .string(r.state),
         "values": .object(r.values)]
    }

    static func json(_ entries: [RecordHistoryEntry]) throws -> JSONValue {
        try JSONValue(encoding: entries)
    }
}
