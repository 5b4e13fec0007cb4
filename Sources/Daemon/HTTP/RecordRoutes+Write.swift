import Foundation
import Hummingbird
import HummingbirdCore
import PluginAPI
import Storage

extension RecordRoutes {
    /// Creates, changes and deletes records through the engine: edit rights per field, one transaction each.
    func registerWriting(on api: RouterGroup<APIRequestContext>) {
        let services = self.services, directory = services.directory, env = directory.environment
        let everyone = Self.everyone, routes = self
        api.post("records/:kind") { request, context -> Response in
            let t = try routes.target(request, context, roles: everyone)
            let (caller, engine, kind) = (t.caller, t.engine, t.kind)
            let input = try await services.decode(Create.self, request)
            let r = try env.write {
                try engine.create($0, kind, caller: caller, student: input.student, studentName: input.studentName,
                                  values: input.values ?? [:], action: input.action, now: Self.now())
            }
            return try routes.written(t, r)
        }

        api.patch("records/:kind/:id") { request, context -> Response in
            let t = try routes.target(request, context, roles: everyone)
            let (caller, engine, kind, id) = (t.caller, t.engine, t.kind, t.id)
            let body = try await services.body(request)
            if let key = try JSONBody.decode(JSONObject.self, from: body).keys.first(where: RecordEngine.reviewKeys.contains) {
                throw EngineError.reviewStateReadOnly(key)
            }
            let input = try JSONBody.decode(Update.self, from: body)
            let r = try env.write { try engine.update($0, kind, caller: caller, id: id, values: input.values, now: Self.now()) }
            return try routes.written(t, r)
        }

        api.delete("records/:kind/:id") { request, context -> Response in
            let t = try routes.target(request, context, roles: everyone)
            try env.write { try t.engine.delete($0, t.kind, caller: t.caller, id: t.id) }
            return Response(status: .noContent)
        }
    }
}
