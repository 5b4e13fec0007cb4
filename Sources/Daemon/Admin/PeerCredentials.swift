#if canImport(Glibc)
import Glibc
#endif

/// The peer of a Unix-domain connection as the kernel reports it (`SO_PEERCRED`); the layout
/// is `struct ucred`.
struct PeerCredentials: Sendable, Equatable {
    var pid: Int32 = 0
    var uid: UInt32 = 0
    var gid: UInt32 = 0
}

/// Who may use the admin socket.
struct AdminAccessPolicy: Sendable {
    /// The daemon's own uid.
    let ownUID: UInt32
    /// Extra uids from `admin.allowedUIDs`.
    let allowedUIDs: Set<UInt32>
    /// The gid of `admin.group`, when set.
    let groupID: UInt32?

    init(settings: AdminSettings) throws {
        ownUID = getuid()
        allowedUIDs = Set(settings.allowedUIDs)
        if let name = settings.group {
            guard let g = getgrnam(name) else { throw AdminServerError.unknownGroup(name) }
            groupID = g.pointee.gr_gid
        } else {
            groupID = nil
        }
    }

    /// Root, the daemon's own user, an allowed uid, or a member of the admin group (by primary gid).
    func allows(_ peer: PeerCredentials) -> Bool {
        peer.uid == 0 || peer.uid == ownUID || allowedUIDs.contains(peer.uid) || (groupID != nil && peer.gid == groupID)
    }
}

enum AdminServerError: Error, CustomStringConvertible {
    case unknownGroup(String)
    case socketSetup(String)
    var description: String {
        switch self {
        case .unknownGroup(let g): "admin.group: no group named \"\(g)\""
        case .socketSetup(let m): "admin socket: \(m)"
        }
    }
}
