import Foundation
import Hummingbird
import PluginAPI

/// What the core routes work with.
struct CoreServices: Sendable {
    let host: PluginHost
    let directory: DirectoryStore
    let accounts: AccountService
    let outbox: Outbox
    let materials: Materials
    let exports: ExportJobs
    /// The web console's files (embedded, or a development directory).
    let console: ConsoleAssets
    /// The console's schema per plugin set and roles.
    let consoleSchemas = ConsoleSchemaCache()
    // Keyed by the set itself: a freed set's address may come back with a new one.
    private let kindsCache = LockedBox<(PluginSet, RecordKinds)?>(nil)

    init(host: PluginHost, directory: DirectoryStore, accounts: AccountService, console: ConsoleAssets = ConsoleAssets()) throws {
        self.host = host
        self.console = console
        self.directory = directory
        self.accounts = accounts
        outbox = try Outbox(environment: directory.environment)
        materials = Materials(dataDirectory: host.store.dataDirectory, environment: directory.environment)
        exports = ExportJobs(dataDirectory: host.store.dataDirectory)
        let services = self
        host.recordAccess.install { txn, caller in EngineRecordAccess(engine: try services.engine(), txn: txn, caller: caller) }
    }

    /// The record kinds of the plugin set being served, databases open.
    func kinds() throws -> RecordKinds {
        let set = host.current
        if let (cachedSet, kinds) = kindsCache.value, cachedSet === set { return kinds }
        let kinds = try RecordKinds(set: set, environment: directory.environment, historyKey: host.store.historyKey, meta: host.store.meta)
        kindsCache.value = (set, kinds)
        return kinds
    }

    /// The engine over the current kinds.
    func engine() throws -> RecordEngine {
        let host = self.host
        return RecordEngine(kinds: try kinds(), directory: directory, outbox: outbox, materials: materials, events: host.currentBox.value.events,
                            isCurrent: { $0.set === host.current })
    }

    /// The gateway verifier of the current settings, or nil when no secret is configured.
    func gateway() throws -> GatewaySignature? {
        try GatewaySignature(settings: host.current.settings.wechat)
    }
}

/// Who acts on records: an account with a live session, or the core itself.
struct Caller: Sendable {
    let account: Account
    let token: String
    /// The records (and students) the caller may see: every read goes through it.
    let records: ScopedRecords
    /// The core itself (event hooks, verified callbacks, the admin socket): every record, any transition.
    let isSystem: Bool

    init(account: Account, token: String) {
        self.account = account
        self.token = token
        records = ScopedRecords(Scope(account: account))
        isSystem = false
    }

    private init(system name: String) {
        account = Account(id: "system", displayName: name, roles: [])
        token = ""
        records = .system
        isSystem = true
    }

    /// The core acting, shown in histories as `name`.
    static func system(_ name: String = "系统") -> Caller { Caller(system: name) }

    /// The account id naming the caller as a record's party (an employer's credit code).
    var partyID: String? { account.roles.contains(.employer) ? (account.creditCode ?? account.id) : nil }
}

extension CoreServices {
    /// The caller behind the bearer token or the console's session cookie (whose writes must pass the
    /// CSRF check): 401 without a live one; 403 while a password change is
    /// pending unless the route is one that lets them make it.
    func caller(_ request: Request, roles: Set<Role> = [], duringPasswordChange: Bool = false) throws -> Caller {
        var found: (Account, String, SessionCookie.Source)?
        for (token, source) in SessionCookie.tokens(request) {
            if let account = try accounts.account(forToken: token) { found = (account, token, source); break }
        }
        guard let (account, token, source) = found else { throw APIError.unauthenticated }
        if source == .cookie { try SessionCookie.checkWrite(request, session: token) }
        if account.mustChangePassword && !duringPasswordChange { throw AuthFailure.passwordChangeRequired.apiError }
        if !roles.isEmpty && account.roles.isDisjoint(with: roles) { throw APIError.forbidden }
        return Caller(account: account, token: token)
    }

    /// The body, capped and timed by the current settings.
    func body(_ request: Request) async throws -> Data {
        let limits = host.current.settings.server
        return try await RequestBody.read(request, limit: limits.maxBodyBytes, timeout: limits.bodyTimeoutSeconds)
    }

    /// The JSON body decoded as `T`, with errors that name the field.
    func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        try JSONBody.decode(T.self, from: try await body(request))
    }
}

/// Reading request bodies within their limits.
enum RequestBody {
    /// The body, refused with 413 past `limit` bytes and with 408 when it trickles in too slowly.
    static func read(_ request: Request, limit: Int, timeout: Int) async throws -> Data {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError.payloadTooLarge(limit)
        }
        let buffer: ByteBuffer = try await withThrowingTaskGroup(of: ByteBuffer?.self) { group in
            group.addTask {
                do {
                    var request = request
                    return try await request.collectBody(upTo: limit)
                } catch let e as HTTPError where e.status == .contentTooLarge {
                    throw APIError.payloadTooLarge(limit)
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(timeout))
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let buffer = first else { throw APIError.bodyTimeout }
            return buffer
        }
        return Data(buffer.readableBytesView)
    }
}

extension String {
    /// This text as an HTTP field name (for the few headers jiuye defines).
    var headerName: HTTPFields.Element.Name { .init(self)! }
}
