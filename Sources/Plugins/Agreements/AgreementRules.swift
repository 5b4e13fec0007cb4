import PluginAPI

/// The rules that span agreements, run as hooks inside the transition's transaction (a throw
/// refuses the transition): one binding agreement per student; the number moves with the signing.
struct AgreementRules: Sendable {
    let numbers: AgreementNumbers

    func register(into context: RegistrationContext) {
        let rules = self
        let kind = AgreementsPlugin.kind
        // An invitation is signed online (网签): the list's 签约方式 says so from the start.
        context.on("agreements.invited") { event, txn in
            guard let id = event.recordID else { return }
            _ = try txn.records.update(kind, id, values: ["signingType": "online"])
        }
        // Accepting an invitation: nothing else may bind the student; their blank agreement's number moves here.
        context.on("agreements.accepted") { event, txn in
            guard let id = event.recordID, let record = try txn.records.record(kind, id) else { return }
            let held = try rules.others(of: record, txn.records)
            try rules.requireFree(held)
            if let blank = held.first(where: { $0.state == "blank" && !$0.text("agreementNumber").isEmpty }) {
                let number = blank.text("agreementNumber")
                _ = try txn.records.update(kind, id, values: ["agreementNumber": .string(number), "signingType": "online"])
                try txn.records.transition(kind, blank.id, action: "use", note: "编号转入协议 \(id)")
                try rules.numbers.move(number, student: record.student, to: id, txn)
            }
        }
        // Starting online or signing offline binds the student too.
        for event in ["agreements.started", "agreements.offline"] {
            context.on(event) { event, txn in
                guard let id = event.recordID, let record = try txn.records.record(kind, id) else { return }
                try rules.requireFree(try rules.others(of: record, txn.records))
            }
        }
        // Approval needs a number: an accepted invitation of a student who held none takes the next one.
        context.on("agreements.approved") { event, txn in
            guard let id = event.recordID, let record = try txn.records.record(kind, id), record.text("agreementNumber").isEmpty else { return }
            let number = try rules.numbers.take(for: record.student, record: id, txn)
            _ = try txn.records.update(kind, id, values: ["agreementNumber": .string(number)])
        }
        // A rejected signing gives its number back to the student as a blank agreement.
        context.on("agreements.rejected") { event, txn in
            guard let id = event.recordID, let record = try txn.records.record(kind, id) else { return }
            let number = record.text("agreementNumber")
            guard !number.isEmpty else { return }
            let blank = try txn.records.create(kind, student: record.student,
                                               values: ["agreementNumber": .string(number), "signingType": "online"], action: nil)
            try rules.numbers.move(number, student: record.student, to: blank.id, txn)
        }
    }

    /// The student's other agreements.
    func others(of record: RecordSnapshot, _ records: any RecordAccess) throws -> [RecordSnapshot] {
        try records.records(AgreementsPlugin.kind, student: record.student).filter { $0.id != record.id }
    }

    func requireFree(_ held: [RecordSnapshot]) throws {
        if held.contains(where: { AgreementsPlugin.currentStates.contains($0.state) }) {
            throw PluginError.conflict("该学生已有进行中或已完成的三方协议，解约后才能签订新协议")
        }
    }
}
