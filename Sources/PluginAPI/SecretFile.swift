import Foundation

/// A file that holds a shared secret (`secretFile:` in `plugins.yaml`). Checked when the
/// configuration is, so a missing, unreadable or empty file is refused at `jiuyed check` and at
/// reload instead of turning every signed call into a 500 later.
public enum SecretFile {
    /// What is wrong with the secret file at `path`, or nil when it holds a secret.
    public static func problem(_ path: String) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return "secret file \"\(path)\" does not exist" }
        guard !isDirectory.boolValue else { return "secret file \"\(path)\" is a directory" }
        guard let data = FileManager.default.contents(atPath: path) else { return "secret file \"\(path)\" cannot be read by this user" }
        guard let text = String(data: data, encoding: .utf8) else { return "secret file \"\(path)\" is not UTF-8 text" }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return "secret file \"\(path)\" is empty" }
        return nil
    }
}
