import Foundation
import Hummingbird
import NIOConcurrencyHelpers

/// A webhook endpoint on loopback that records what it receives: the test side of the outbox's
/// `webhook` channels (WeChat, SMS gateways).
public final class WebhookReceiver: Sendable {
    /// One call received (header names lower-cased).
    public struct Call: Sendable {
        public let headers: [String: String]
        public let body: Data
    }

    /// The port it listens on.
    public let port: Int
    private let calls: NIOLockedValueBox<[Call]>
    private let task: Task<Void, Error>

    /// `http://127.0.0.1:<port>/hook`.
    public var url: String { "http://127.0.0.1:\(port)/hook" }

    private init(port: Int, calls: NIOLockedValueBox<[Call]>, task: Task<Void, Error>) {
        self.port = port
        self.calls = calls
        self.task = task
    }

    /// Starts listening (on `port`, or a free one for 0); answers `status` to every call.
    public static func start(port: Int = 0, status: HTTPResponse.Status = .ok) async throws -> WebhookReceiver {
        let calls = NIOLockedValueBox<[Call]>([])
        let router = Router()
        router.post("hook") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            calls.withLockedValue { $0.append(Call(headers: headers, body: Data(body.readableBytesView))) }
            return Response(status: status)
        }
        let (ready, continuation) = AsyncStream<Int>.makeStream()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                              onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) })
        let task = Task { try await app.runService() }
        var it = ready.makeAsyncIterator()
        guard let bound = await it.next() else { throw TestDaemonError.didNotStart }
        return WebhookReceiver(port: bound, calls: calls, task: task)
    }

    /// Everything received so far.
    public var received: [Call] { calls.withLockedValue { $0 } }

    /// Waits until `count` calls arrived or `timeout` passed; returns what arrived.
    public func wait(for count: Int, timeout: Double = 10) async throws -> [Call] {
        let deadline = Date().addingTimeInterval(timeout)
        while received.count < count && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        return received
    }

    /// Stops listening.
    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
