import Foundation
import Hummingbird
import NIOCore

/// The request context of the API: Hummingbird's basic one plus the peer's address, which the
/// login limits key on.
struct APIRequestContext: RequestContext, RemoteAddressRequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}

/// Who is on the other end of a request, as far as can be trusted.
enum ClientAddress {
    /// The client's IP address: the peer's, unless the peer is a trusted proxy; then the nearest
    /// address in `X-Forwarded-For` that is not itself a trusted proxy (entries further left
    /// were written by the client and prove nothing), or `X-Real-IP`.
    static func of(_ request: Request, peer: SocketAddress?, trustedProxies: [String]) -> String {
        let direct = peer?.ipAddress ?? "unknown"
        guard !trustedProxies.isEmpty, trustedProxies.contains(direct) else { return direct }
        let forwarded = request.headers[values: "X-Forwarded-For".headerName]
            .flatMap { $0.split(separator: ",") }
            .map { $0.trimmingCharacters(in: .whitespaces) }
        if let hop = forwarded.reversed().first(where: { !trustedProxies.contains($0) }) {
            return isIPAddress(hop) ? hop : direct
        }
        if let real = request.headers["X-Real-IP".headerName]?.trimmingCharacters(in: .whitespaces), isIPAddress(real) { return real }
        return direct
    }

    /// Whether `text` is an IPv4 or IPv6 address.
    static func isIPAddress(_ text: String) -> Bool {
        (try? SocketAddress(ipAddress: text, port: 0)) != nil
    }
}
