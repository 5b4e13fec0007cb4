import AdminProtocol
import Foundation
import Hummingbird
import HummingbirdCore
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded

extension Daemon {
    /// Starts the plugins and answers requests without listening: no HTTP port, no admin
    /// socket, no outbox delivery. Each request goes through the router ``run(onReady:)``
    /// serves, with the same middleware, role checks and error answers, so a route test runs
    /// in milliseconds. Stop it with ``InProcessDaemon/stop()``, not ``shutdown()``.
    public func startInProcess() async throws -> InProcessDaemon {
        do {
            try await host.start()
        } catch {
            host.store.close()
            throw error
        }
        return InProcessDaemon(daemon: self)
    }
}

/// A started daemon reached by calling it: what the test kit's in-process mode drives.
public struct InProcessDaemon: Sendable {
    /// An answer, as a client would have read it off the wire.
    public struct Answer: Sendable {
        /// The status code.
        public var status: Int
        /// Header names lowercased.
        public var headers: [String: String]
        /// The body.
        public var body: Data
    }

    let daemon: Daemon
    private let responder: RouterResponder<APIRequestContext>
    private let commands: AdminCommandTable
    /// Stands in for the connection: the context reads the peer's address from it (the login
    /// limits key on it), so requests appear to come from loopback as over real HTTP.
    private let channel: NIOAsyncTestingChannel

    init(daemon: Daemon) {
        self.daemon = daemon
        responder = APIServer.router(services: daemon.services).buildResponder()
        commands = daemon.adminCommands()
        channel = NIOAsyncTestingChannel()
        channel.remoteAddress = try? SocketAddress(ipAddress: "127.0.0.1", port: 0)
    }

    /// Answers one request.
    /// - Parameters:
    ///   - method: e.g. `GET`.
    ///   - path: the path with its query, e.g. `/api/v1/records/source-info?size=20`.
    ///   - headers: request headers.
    ///   - body: the body, if any.
    public func respond(method: String, path: String, headers: [String: String] = [:], body: Data? = nil) async throws -> Answer {
        var fields = HTTPFields()
        for (name, value) in headers {
            guard let name = HTTPFields.Element.Name(name) else { continue }
            fields.append(HTTPFields.Element(name: name, value: value))
        }
        if let body { fields[.contentLength] = String(body.count) }
        let request = Request(
            head: HTTPRequest(method: HTTPRequest.Method(method) ?? .get, scheme: "http", authority: "127.0.0.1", path: path, headerFields: fields),
            body: HummingbirdCore.RequestBody(buffer: ByteBuffer(bytes: body ?? Data())))
        var logger = daemon.logger
        logger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())   // the server sets it; `context.id` reads it
        let context = APIRequestContext(source: ApplicationRequestContextSource(channel: channel, logger: logger))
        let response: Response
        do {
            response = try await responder.respond(to: request, context: context)
        } catch {
            // What the server answers for an error no route turned into a response.
            response = Response(status: .internalServerError)
        }
        var answer = Answer(status: response.status.code, headers: [:], body: Data())
        // A repeated field (two Set-Cookie) reads as HTTP clients join it: values in order, ", " between.
        for field in response.headers {
            let name = field.name.canonicalName.lowercased()
            answer.headers[name] = answer.headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        let collector = BodyCollector()
        try await response.body.write(collector)
        answer.body = collector.data.withLockedValue { $0 }
        answer.headers["content-length"] = answer.headers["content-length"] ?? String(answer.body.count)
        return answer
    }

    /// Runs an admin command as the socket would for this process's own user.
    public func admin(_ words: [String]) async -> AdminResponse {
        await commands.run(words, peer: PeerCredentials(pid: getpid(), uid: getuid(), gid: getgid()), logger: daemon.logger)
    }

    /// Stops the plugins in reverse order and closes the database.
    public func stop() async {
        await daemon.host.stop()
        daemon.host.store.close()
    }
}

/// Gathers a response body as the server would write it.
private struct BodyCollector: ResponseBodyWriter {
    let data = NIOLockedValueBox(Data())
    func write(_ buffer: ByteBuffer) async throws {
        data.withLockedValue { $0.append(contentsOf: buffer.readableBytesView) }
    }
    func finish(_ trailingHeaders: HTTPFields?) async throws {}
}
