import AdminProtocol
import Foundation
import Logging
import NIOCore
import NIOPosix
import PluginAPI
import ServiceLifecycle
#if canImport(Glibc)
import Glibc
#endif

/// The admin socket: newline-delimited JSON, one request and one reply per connection, peers
/// checked by `SO_PEERCRED`, state-changing commands logged with the peer's uid and pid.
final class AdminServer: Service, Sendable {
    let path: String
    let mode: mode_t
    let policy: AdminAccessPolicy
    let commands: AdminCommandTable
    let logger: Logger
    /// Called once the socket is listening.
    let onListening: @Sendable () async -> Void

    init(path: String, settings: AdminSettings, commands: AdminCommandTable, logger: Logger,
         onListening: @escaping @Sendable () async -> Void = {}) throws {
        self.path = path
        self.mode = mode_t(settings.mode ?? 0o600)
        self.policy = try AdminAccessPolicy(settings: settings)
        self.commands = commands
        self.logger = logger
        self.onListening = onListening
    }

    func run() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true) { child in
                child.eventLoop.makeCompletedFuture {
                    // Half-closure: finishing the writer shuts the socket's sending side only
                    // after every pending write is out. Closing at once dropped what a reply of
                    // megabytes (an audit of a whole school) still had buffered.
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: child,
                                                                configuration: .init(isOutboundHalfClosureEnabled: true))
                }
            }
        // The socket file is created with the umask's mode: set ours, and hand it to the admin group.
        guard chmod(path, mode) == 0 else { throw AdminServerError.socketSetup("chmod \(path): \(String(cString: strerror(errno)))") }
        if let gid = policy.groupID, chown(path, uid_t.max, gid) != 0 {
            throw AdminServerError.socketSetup("chown \(path): \(String(cString: strerror(errno)))")
        }
        logger.info("admin socket listening", metadata: ["path": "\(path)", "mode": "\(String(mode, radix: 8))"])
        await onListening()
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { inbound in
                    for try await connection in inbound {
                        group.addTask { await self.serve(connection) }
                    }
                }
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
        }
        unlink(path)
    }

    private func serve(_ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        let peer = await peerCredentials(connection.channel)
        do {
            try await connection.executeThenClose { inbound, outbound in
                let response: AdminResponse
                if let peer, policy.allows(peer) {
                    let line = try await readLine(inbound, within: .seconds(10))
                    // Progress of a long command goes out as lines before the reply.
                    let (updates, sink) = AsyncStream<AdminProgress>.makeStream(bufferingPolicy: .bufferingNewest(1))
                    async let forwarded: Void = {
                        for await update in updates { try? await outbound.write(ByteBuffer(bytes: try update.line())) }
                    }()
                    response = await respond(to: line, peer: peer) { done, total in sink.yield(AdminProgress(done: done, total: total)) }
                    sink.finish()
                    await forwarded
                } else {
                    _ = try? await readLine(inbound, within: .seconds(2))
                    logger.warning("admin socket: refused peer", metadata: ["uid": "\(peer?.uid ?? UInt32.max)", "pid": "\(peer?.pid ?? -1)"])
                    response = .failure(.forbidden, "uid \(peer.map { String($0.uid) } ?? "?") may not use the admin socket")
                }
                try await outbound.write(ByteBuffer(bytes: try response.line()))
                outbound.finish()
                // The client closes once it has read the reply (the channel then closes too); a
                // client that never does is let go after a while.
                let closed = connection.channel.closeFuture
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { try? await closed.get() }
                    group.addTask { try? await Task.sleep(for: .seconds(30)) }
                    await group.next()
                    group.cancelAll()
                }
            }
        } catch {
            logger.debug("admin connection ended: \(error)")
        }
    }

    /// The request line, or nil when the peer sends nothing usable in time (a silent client
    /// must not hold a task forever).
    private func readLine(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>, within limit: Duration) async throws -> Data? {
        try await withThrowingTaskGroup(of: Data?.self) { group in
            group.addTask { try await self.readLine(inbound) }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    private func readLine(_ inbound: NIOAsyncChannelInboundStream<ByteBuffer>) async throws -> Data? {
        var data = Data()
        for try await var chunk in inbound {
            if let bytes = chunk.readBytes(length: chunk.readableBytes) { data.append(contentsOf: bytes) }
            if let end = data.firstIndex(of: 0x0A) { return data[..<end] }
            if data.count > 1 << 20 { return nil }
        }
        return data.isEmpty ? nil : data
    }

    private func respond(to line: Data?, peer: PeerCredentials, progress: @escaping @Sendable (Int, Int) -> Void) async -> AdminResponse {
        guard let line, let request = try? JSONDecoder().decode(AdminRequest.self, from: line) else {
            return .failure(.badRequest, "expected one line of JSON: {\"words\": [...]}")
        }
        return await commands.run(request.words, cwd: request.cwd, peer: peer, logger: logger, progress: progress)
    }

    private func peerCredentials(_ channel: any Channel) async -> PeerCredentials? {
        guard let provider = channel as? SocketOptionProvider else { return nil }
        return try? await provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED)
        ).get() as PeerCredentials
    }
}
