import Foundation
import Hummingbird
import HummingbirdCore
import PluginAPI
import Storage

extension RecordRoutes {
    /// Submits and reviews records (the workflow's transitions) and shows their history.
    func registerReview(on api: RouterGroup<APIRequestContext>) {
        let services = self.services, directory = services.directory, env = directory.environment
        let everyone = Self.everyone, routes = self
        // Submitting is the `submit` (or, after a rejection, `resubmit`) transition: its roles decide who may.
        api.post("records/:kind/:id/submit") { request, context -> Response in
            let t = try routes.target(request, context, roles: everyone)
            let (caller, engine, kind, id) = (t.caller, t.engine, t.kind, t.id)
            let r = try env.write { txn -> StoredRecord in
                let current = try caller.records.fetch(txn, kind, id)
                // The submission out of this state, by its meaning: a first one or after a rejection.
                let action = kind.workflow?.transitions.first { t in [.submit, .resubmit].contains(t.effect) && t.from.contains(current.state) }?.action ?? "submit"
                return try engine.transition(txn, kind, caller: caller, id: id, .init(action: action), now: Self.now())
            }
            return try routes.written(t, r)
        }

        api.post("records/:kind/:id/review") { request, context -> Response in
            let t = try routes.target(request, context, roles: everyone)
            let (caller, engine, kind, id) = (t.caller, t.engine, t.kind, t.id)
            let input = try await services.decode(Review.self, request)
            let r = try env.write { txn in
                try engine.transition(txn, kind, caller: caller, id: id, .init(action: input.action, reason: input.reason ?? "", note: input.note ?? "",
                                                                             copyFill: input.copyFill ?? false, values: input.values ?? [:]), now: Self.now())
            }
            return try routes.written(t, r)
        }

        api.get("records/:kind/:id/history") { request, context -> Response in
            let t = try routes.target(request, context, roles: everyone)
            let (caller, engine, kind, id) = (t.caller, t.engine, t.kind, t.id)
            let entries = try env.read { txn in
                _ = try caller.records.fetch(txn, kind, id)
                return try kind.entries(txn, of: id)
            }
            return try Response.json(["history": .array(entries.map { $0.json(in: kind) })])
        }
    }
}
