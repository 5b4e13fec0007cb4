import Crypto
import Foundation
import PluginAPI
import Storage
import ZIPFoundation

/// Uploaded proof (offers, contracts, termination letters): JPEG, PNG or PDF, recognised by their
/// bytes, stored once by content hash under `<data>/blobs/`, listed per record in LMDB. Names
/// from clients are kept as labels only; they never reach the file system.
///
/// | database | key → value |
/// |---|---|
/// The lists live in `materials/<kind>`, kept with the kind's other databases (``RecordTables``).
struct Materials: Sendable {
    let directory: String
    let environment: Environment

    /// One attached file.
    struct Material: JSONStorable, Sendable, Equatable {
        var sha256: String
        var type: String
        var size: Int
        /// The client's file name, for display and downloads only.
        var name: String
        var uploadedBy: String
        var uploaded: Double
    }

    enum Failure: Error, Equatable, APIErrorConvertible {
        case unsupportedType
        case tooLarge(Int)
        case empty
        case notFound

        var apiError: APIError {
            switch self {
            case .unsupportedType: APIError(.unsupportedMediaType, code: .unsupportedType, message: "只接受 JPEG、PNG 图片或 PDF 文件（按文件内容识别）")
            case .tooLarge(let limit): APIError(.contentTooLarge, code: .fileTooLarge, message: "文件超过上限 \(limit / (1 << 20)) MB（\(limit) 字节）")
            case .empty: APIError(.badRequest, code: .emptyFile, message: "文件为空")
            case .notFound: APIError(.notFound, code: .notFound, message: "材料不存在")
            }
        }
    }

    init(dataDirectory: String, environment: Environment) {
        directory = dataDirectory + "/blobs"
        self.environment = environment
    }

    /// A kind's material list (opened with the kind, never inside a transaction).
    func table(_ kind: RecordTables) throws -> Table<KeyPair<String, String>, Material> { kind.materials }

    /// The type a file's first bytes say it is.
    static func sniff(_ data: Data) -> (type: String, ext: String)? {
        if data.starts(with: [0xFF, 0xD8, 0xFF]) { return ("image/jpeg", "jpg") }
        if data.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return ("image/png", "png") }
        if data.starts(with: Array("%PDF-".utf8)) { return ("application/pdf", "pdf") }
        return nil
    }

    /// A display name without directories or control characters.
    static func label(_ name: String?) -> String {
        let last = (name ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let clean = String(last.unicodeScalars.filter { $0.value >= 0x20 && $0 != "\u{7F}" }.map(Character.init)).trimmingSpaces
        return clean.isEmpty || clean == "." || clean == ".." ? "material" : String(clean.prefix(100))
    }

    /// Where a blob lives: `blobs/ab/<sha256>`; the name is the hash, never the client's.
    func path(_ sha: String) -> String { Self.path(sha, blobs: directory) }

    /// Where a blob lives under a blobs directory (a data directory's, or a backup's).
    static func path(_ sha: String, blobs: String) -> String { "\(blobs)/\(sha.prefix(2))/\(sha)" }

    /// Checks and stores the bytes (once per content), returning the material to attach.
    func store(_ data: Data, name: String?, by account: String, limit: Int, now: Double) throws -> Material {
        guard !data.isEmpty else { throw Failure.empty }
        guard data.count <= limit else { throw Failure.tooLarge(limit) }
        guard let (type, _) = Self.sniff(data) else { throw Failure.unsupportedType }
        let sha = SHA256.hash(data: data).hex
        let target = path(sha)
        if !FileManager.default.fileExists(atPath: target) {
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
            // Written aside then renamed: a crash never leaves half a file under its hash.
            let temporary = target + ".part-\(UUID().uuidString.prefix(8))"
            try data.write(to: URL(fileURLWithPath: temporary))
            try FileManager.default.moveItem(atPath: temporary, toPath: target)
        }
        return Material(sha256: sha, type: type, size: data.count, name: Self.label(name), uploadedBy: account, uploaded: now)
    }

    /// A zip of materials, each under `<folder>/<hash prefix>-<name>`, written to `path`.
    func zip(_ items: [(folder: String, material: Material)], to path: String) throws {
        let archive = try Archive(url: URL(fileURLWithPath: path), accessMode: .create)
        // Private like every export file (it is made inside the 0700 exports directory).
        chmod(path, 0o600)
        for (folder, m) in items {
            let data = try read(m.sha256)
            let name = "\(Self.label(folder))/\(m.sha256.prefix(8))-\(m.name)"
            try archive.addEntry(with: name, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate) { position, size in
                data.subdata(in: Int(position)..<Int(position) + size)
            }
        }
    }

    /// The bytes of a stored blob.
    func read(_ sha: String) throws -> Data {
        guard sha.count == 64, sha.allSatisfy(\.isHexDigit), let data = FileManager.default.contents(atPath: path(sha)) else { throw Failure.notFound }
        return data
    }
}
