import PluginAPI

/// The resume library's own routes: the default resume, the shown resume, the staff list with
/// pinned resumes first, and the statistics with their drill-down. Scope and the threshold are
/// the core's: every read goes through the caller's record access.
struct ResumeRoutes: Sendable {
    let threshold: Int
    static let kind = ResumeLibraryPlugin.kind

    func register(into context: RegistrationContext) {
        for route in [makeDefault(), shownResume(), list(), statistics(), drillDown()] { context.route(route) }
    }

    /// `POST resumes/:id/default`: one default per student.
    func makeDefault() -> RouteSpec {
        let kind = Self.kind
        return RouteSpec(
            method: .post, path: "resumes/:id/default", roles: [.student],
            summary: LocalizedText("设为默认简历", en: "make the default resume"), input: nil, output: .any
        ) { request in
            let id = request.parameters["id"] ?? ""
            let chosen = try await request.store.commit { txn -> RecordSnapshot in
                guard let r = try txn.records.record(kind, id), r.student == request.principal.id else { throw PluginError.notFound() }
                var chosen = r
                // One default per student: the flag moves, in one transaction.
                for other in try txn.records.records(kind, student: r.student) {
                    let isIt = other.id == id
                    guard (other.values["isDefault"] == .bool(true)) != isIt else { continue }
                    let updated = try txn.systemRecords.update(kind, other.id, values: ["isDefault": .bool(isIt)])
                    if isIt { chosen = updated }
                }
                return chosen
            }
            return RouteResponse(status: 200, body: Self.json(chosen))
        }
    }

    /// `GET students/:number/resume`: the resume a student shows.
    func shownResume() -> RouteSpec {
        let threshold = self.threshold
        let kind = Self.kind
        return RouteSpec(
            method: .get, path: "students/:number/resume", roles: Role.staff.union([.student]),
            summary: LocalizedText("学生展示的简历：默认简历；没有则最完整的；同分取最近更新", en: "a student's shown resume"),
            input: nil, output: .any
        ) { request in
            let number = request.parameters["number"] ?? ""
            let shown = try request.store.read { txn -> RecordSnapshot in
                // The student must be within the caller's reach (their graduate record is).
                guard !(try txn.records.records("source-info", student: number)).isEmpty || number == request.principal.id else {
                    throw PluginError.notFound("没有该学生")
                }
                guard let shown = ResumeLibraryPlugin.shown(try txn.systemRecords.records(kind, student: number)) else {
                    throw PluginError.notFound("该学生还没有简历")
                }
                guard let visible = try txn.records.record(kind, shown.id) else {
                    throw PluginError.notFound("简历完整度未达到 \(threshold)%，暂不能查看")
                }
                return visible
            }
            return RouteResponse(status: 200, body: Self.json(shown))
        }
    }

    /// `GET resumes`: the staff list, pinned resumes first.
    func list() -> RouteSpec {
        let kind = Self.kind
        return Self.staffGet("resumes", LocalizedText("简历列表（完整度达标的；置顶在前）", en: "resumes, pinned first")) { request in
            var filters = request.query.filter { ["cohort", "college", "major", "class"].contains($0.key) }
            let size = try Self.pageSize(request)
            let page = try request.store.read { txn -> [RecordSnapshot] in
                filters["pinned"] = "true"
                let pinned = try txn.records.list(kind, filters: filters, after: nil, limit: size)
                filters["pinned"] = nil
                var out = pinned
                var after: String?
                while out.count < size {
                    let more = try txn.records.list(kind, filters: filters, after: after, limit: size)
                    out += more.filter { $0.values["pinned"] != .bool(true) }.prefix(size - out.count)
                    guard more.count == size, let last = more.last else { break }
                    after = last.id
                }
                return out
            }
            return RouteResponse(status: 200, body: ["resumes": .array(page.map(Self.json))])
        }
    }

    /// A staff `GET` answering JSON: the shape of the library's list and statistics.
    static func staffGet(_ path: String, _ summary: LocalizedText, query: [String] = [],
                         handler: @escaping @Sendable (RouteRequest) async throws -> RouteResponse) -> RouteSpec {
        RouteSpec(method: .get, path: path, roles: Role.staff, summary: summary, input: nil, output: .any,
                  query: query.map { QueryParameter($0, .text) }, handler: handler)
    }

    /// `size=` between 1 and 200, 50 when absent.
    static func pageSize(_ request: RouteRequest) throws -> Int {
        guard let text = request.query["size"] else { return 50 }
        guard let n = Int(text), (1...200).contains(n) else { throw PluginError.badRequest("每页条数应为 1 至 200", field: "size") }
        return n
    }

    static func json(_ r: RecordSnapshot) -> JSONValue {
        ["id": .string(r.id), "student": .string(r.student), "studentName": .string(r.studentName),
         "updated": .double(r.updated), "values": .object(r.values)]
    }
}
