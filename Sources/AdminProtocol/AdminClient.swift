import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Talks to a running jiuyed over its admin socket: one request, one reply, one connection.
/// Plain blocking sockets: `jiuyectl` is a short-lived command and needs no event loop.
public struct AdminClient: Sendable {
    /// Why a call did not get a reply.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        /// No daemon listens at the path.
        case notRunning(path: String, reason: String)
        /// The socket's permissions refused this user.
        case permissionDenied(path: String)
        /// No reply within the timeout.
        case timedOut(seconds: Double)
        /// The reply was not what the protocol says.
        case protocolError(String)

        public var description: String {
            switch self {
            case .notRunning(let path, let reason): "jiuyed is not running (no daemon at \(path): \(reason))"
            case .permissionDenied(let path): "permission denied on \(path): run as root or as the daemon's user"
            case .timedOut(let s): "no reply from jiuyed within \(s) s"
            case .protocolError(let m): "bad reply from jiuyed: \(m)"
            }
        }
    }

    /// The socket path.
    public let path: String
    /// How long to wait for the reply, in seconds.
    public let timeout: Double

    public init(path: String, timeout: Double = 30) {
        self.path = path
        self.timeout = timeout
    }

    /// Sends `words` and returns the daemon's response.
    /// - Parameters:
    ///   - words: the command line.
    ///   - onProgress: called with each progress line of a long command.
    public func send(_ words: [String], onProgress: (AdminProgress) -> Void = { _ in }) throws -> AdminResponse {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure.notRunning(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        try connect(fd)
        Self.write(try AdminRequest(words: words, cwd: FileManager.default.currentDirectoryPath).line(), to: fd)
        return try readReply(fd, onProgress: onProgress)
    }

    /// Connects `fd` to the socket at ``path``.
    private func connect(_ fd: Int32) throws {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: addr.sun_path) else {
            throw Failure.notRunning(path: path, reason: "path too long for a socket")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if rc != 0 {
            let e = errno
            if e == EACCES || e == EPERM { throw Failure.permissionDenied(path: path) }
            throw Failure.notRunning(path: path, reason: String(cString: strerror(e)))
        }
    }

    /// Writes the request line. A daemon that refuses this peer answers and closes without
    /// reading: a failed write still leaves its reply to read. MSG_NOSIGNAL keeps SIGPIPE away.
    private static func write(_ request: Data, to fd: Int32) {
        request.withUnsafeBytes { raw in
            var sent = 0
            while sent < raw.count {
                let n = Glibc.send(fd, raw.baseAddress! + sent, raw.count - sent, Int32(MSG_NOSIGNAL))
                if n <= 0 { break }
                sent += n
            }
        }
    }

    /// Reads until the reply, handing each progress line before it to `onProgress`.
    private func readReply(_ fd: Int32, onProgress: (AdminProgress) -> Void) throws -> AdminResponse {
        let deadline = Date().addingTimeInterval(timeout)
        var received = Data()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            // Progress lines come first; the reply is the first line that is not one.
            while let end = received.firstIndex(of: 0x0A) {
                let line = received[received.startIndex..<end]
                received = Data(received[(end + 1)...])
                if let p = try? JSONDecoder().decode([String: AdminProgress].self, from: line), let progress = p["progress"] {
                    onProgress(progress)
                    continue
                }
                do {
                    return try JSONDecoder().decode(AdminResponse.self, from: line)
                } catch {
                    throw Failure.protocolError("\(error)")
                }
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw Failure.timedOut(seconds: timeout) }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(min(left, 3600) * 1000))
            if ready == 0 { throw Failure.timedOut(seconds: timeout) }
            if ready < 0 {
                if errno == EINTR { continue }
                throw Failure.protocolError("poll failed")
            }
            let n = read(fd, &buffer, buffer.count)
            if n == 0 { throw Failure.protocolError("the daemon closed the connection without a reply") }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure.protocolError("read failed: \(String(cString: strerror(errno)))")
            }
            received.append(contentsOf: buffer[0..<n])
        }
    }
}
