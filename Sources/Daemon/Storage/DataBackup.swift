import Crypto
import Foundation
import PluginAPI
import Storage

/// A backup is a data directory: `DIR/db/data.mdb` (LMDB's compacted copy, taken in one read
/// transaction while jiuyed serves), `DIR/history.key` (the key of the history chains, kept
/// outside LMDB) and `DIR/blobs/` with every material that copy references.
/// Restoring is copying the directory into place.
///
/// Consistent by construction: a material's file is written (and renamed into place) before the
/// transaction that references it commits, and files are never removed, so every material the
/// snapshot lists is on disk when it is copied after the snapshot; a material uploaded during the
/// backup is in neither the snapshot nor the copied files.
enum DataBackup {
    /// What a backup holds.
    struct Report: Codable, Sendable {
        var path: String
        /// Records of every kind.
        var records: Int
        /// Distinct material files.
        var materials: Int
        /// Bytes written: the database copy plus the files.
        var bytes: Int
    }

    /// What a verification found.
    struct Verification: Codable, Sendable {
        var path: String
        var records: Int
        /// Distinct materials the database references.
        var materials: Int
        /// Referenced but absent.
        var missing: [String]
        /// Present but with other bytes than their hash says.
        var corrupt: [String]
        /// Whether `history.key` is there (the daemon will not start on the copy without it).
        var historyKey: Bool
        var ok: Bool { missing.isEmpty && corrupt.isEmpty && historyKey }
    }

    enum Failure: Error, CustomStringConvertible {
        case notEmpty(String)
        case noDatabase(String)
        case live(String)
        var description: String {
            switch self {
            case .live(let p): "\(p) is the running daemon's own data directory, not a backup"
            case .notEmpty(let p): "\(p) is not empty: a backup goes into a new or empty directory"
            case .noDatabase(let p): "\(p) holds no jiuye backup (no db/data.mdb)"
            }
        }
    }

    /// Copies the database, then the materials it references, into `directory`.
    static func write(_ store: CoreStore, to directory: String) throws -> Report {
        let fm = FileManager.default
        if let entries = try? fm.contentsOfDirectory(atPath: directory), !entries.isEmpty { throw Failure.notEmpty(directory) }
        try fm.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        do {
            return try copy(store, into: directory)
        } catch {
            // No half backup left to be mistaken for a whole one.
            try? fm.removeItem(atPath: directory)
            throw error
        }
    }

    private static func copy(_ store: CoreStore, into directory: String) throws -> Report {
        let fm = FileManager.default
        var bytes = try store.environment.backup(to: directory + "/db")
        // The history key is not in LMDB: without it the copy's histories cannot be verified.
        try HistoryKey.backup(dataDirectory: store.dataDirectory, to: directory)
        let (records, shas) = try contents(ofDatabaseIn: directory)
        for sha in shas {
            let from = Materials.path(sha, blobs: store.dataDirectory + "/blobs"), to = Materials.path(sha, blobs: directory + "/blobs")
            try fm.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                   attributes: [.posixPermissions: 0o700])
            try fm.copyItem(atPath: from, toPath: to)
            chmod(to, 0o600)
            bytes += (try fm.attributesOfItem(atPath: to)[.size] as? Int) ?? 0
        }
        return Report(path: directory, records: records, materials: shas.count, bytes: bytes)
    }

    /// Opens the backup in `directory` and checks every material it references: present, and
    /// with the bytes its hash names.
    static func verify(_ directory: String, liveData: String) throws -> Verification {
        // Opening the live environment a second time in this process would break its locks.
        func real(_ p: String) -> String { URL(fileURLWithPath: p).resolvingSymlinksInPath().standardizedFileURL.path }
        guard real(directory) != real(liveData) else { throw Failure.live(directory) }
        let (records, shas) = try contents(ofDatabaseIn: directory)
        var missing: [String] = [], corrupt: [String] = []
        for sha in shas.sorted() {
            guard let data = FileManager.default.contents(atPath: Materials.path(sha, blobs: directory + "/blobs")) else { missing.append(sha); continue }
            if SHA256.hash(data: data).hex != sha { corrupt.append(sha) }
        }
        let key = FileManager.default.fileExists(atPath: directory + "/" + HistoryKey.fileName)
        return Verification(path: directory, records: records, materials: shas.count, missing: missing, corrupt: corrupt, historyKey: key)
    }

    /// The records and the distinct material hashes of the database copy in `directory/db`.
    private static func contents(ofDatabaseIn directory: String) throws -> (records: Int, materials: Set<String>) {
        guard FileManager.default.fileExists(atPath: directory + "/db/data.mdb") else { throw Failure.noDatabase(directory) }
        let env = try Environment(path: directory + "/db", options: EnvironmentOptions(mapSize: 1 << 30, noSync: true))
        defer {
            env.close()
            // The copy's lock file is LMDB's, not part of the backup.
            try? FileManager.default.removeItem(atPath: directory + "/db/lock.mdb")
        }
        var records = 0
        var shas = Set<String>()
        for name in try env.databaseNames() {
            if name.hasPrefix("rec/") {
                records += try env.entryCount(try env.database(name))
            } else if name.hasPrefix("materials/") {
                let table = try Table<KeyPair<String, String>, Materials.Material>(env, name: name)
                try env.read { txn in try table.scan(txn) { _, m in shas.insert(m.sha256); return true } }
            }
        }
        return (records, shas)
    }
}
