import Crypto
import Foundation

/// The content security policy of an HTML page a plugin answers with (the agreement print page):
/// as strict as every API answer (nothing loads, nothing runs, sandboxed, framed by nobody), but
/// the page's own `<style>` elements apply — each allowed by its SHA-256 hash, never with
/// `'unsafe-inline'`, so a value the page shows cannot bring a style (or a script) of its own.
enum PluginPagePolicy {
    static func policy(html: Data) -> String {
        let hashes = styles(in: String(decoding: html, as: UTF8.self)).map { "'sha256-\(Data(SHA256.hash(data: Data($0.utf8))).base64EncodedString())'" }
        let style = hashes.isEmpty ? "" : "style-src \(hashes.joined(separator: " ")); "
        return "default-src 'none'; \(style)img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox"
    }

    /// The text of each `<style>` element, exactly as the browser hashes it.
    static func styles(in html: String) -> [String] {
        var out: [String] = []
        var rest = html[...]
        while let open = rest.range(of: "<style>"), let close = rest.range(of: "</style>", range: open.upperBound..<rest.endIndex) {
            out.append(String(rest[open.upperBound..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return out
    }
}
