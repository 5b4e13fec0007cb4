import CompressNIO
import HTTPTypes
import Hummingbird
import HummingbirdCore
import NIOCore

/// Gzips text answers (JSON, CSV, the console's scripts and styles) of at least
/// ``GzipRule/threshold`` bytes when the client accepts gzip: a page of 200 records or a search of 2000 is megabytes of
/// repeated keys, and a counselor on a slow campus link waits for every byte.
///
/// Streamed answers (exports) are compressed as they are written; nothing is buffered whole.
/// Level 1: at these sizes the ratio barely improves with effort, and the CPU is the server's.
struct ResponseCompression<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        guard response.headers[.contentEncoding] == nil,
              GzipRule.compresses(request, contentType: response.headers[.contentType], length: response.body.contentLength),
              response.status != .noContent, response.status != .notModified
        else { return response }
        response.headers[.contentEncoding] = "gzip"
        response.headers[.contentLength] = nil
        if response.headers[.vary] == nil { response.headers[.vary] = "Accept-Encoding" }
        // A strong ETag names the identity bytes; the gzipped ones are another representation.
        if let tag = response.headers[.eTag], !tag.hasPrefix("W/") { response.headers[.eTag] = "W/" + tag }
        let body = response.body
        response.body = ResponseBody { writer in
            try await body.write(GzipBodyWriter(writer))
        }
        return response
    }
}

/// Which answers go gzipped: one rule for the middleware and for the console's files, whose
/// validators depend on it.
enum GzipRule {
    /// Answers shorter than this go as they are: the gzip header and a round of zlib cost more
    /// than the bytes they save.
    static var threshold: Int { 1024 }

    /// Whether an answer of this type and length goes gzipped to this request.
    static func compresses(_ request: Request, contentType: String?, length: Int?) -> Bool {
        // Cheapest first: most API answers are small, and a client that sends no Accept-Encoding
        // (wrk, scripts) should cost one header lookup, not a parse of the content type.
        guard request.method != .head, (length ?? Int.max) >= threshold else { return false }
        let accepted = request.headers[values: .acceptEncoding]
        return !accepted.isEmpty && acceptsGzip(accepted) && compressible(contentType)
    }

    /// Whether `Accept-Encoding` allows gzip: its own entry (`gzip`, or `x-gzip`) decides, else
    /// `*`; a quality of 0 refuses (RFC 9110 §12.5.3).
    static func acceptsGzip(_ values: [String]) -> Bool {
        var quality: [String: Double] = [:]
        for item in values.flatMap({ $0.split(separator: ",") }) {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let coding = parts.first, !coding.isEmpty else { continue }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") || $0.hasPrefix("q ") }.flatMap { p -> Double? in
                let value = p.split(separator: "=", maxSplits: 1).dropFirst().first
                return value.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } ?? 0
            } ?? 1
            quality[coding] = q
        }
        return (quality["gzip"] ?? quality["x-gzip"] ?? quality["*"] ?? 0) > 0
    }

    static func compressible(_ contentType: String?) -> Bool {
        guard let type = contentType?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() else { return false }
        return type == "application/json" || type.hasPrefix("text/") || type == "image/svg+xml" || type == "application/javascript"
    }
}

/// Passes a body through zlib on its way to the connection: compressed bytes leave in 64 KiB
/// windows as they fill, and the stream is finished with the body.
struct GzipBodyWriter: ResponseBodyWriter {
    private var inner: any ResponseBodyWriter
    private let compressor: ZlibCompressor
    private var window: ByteBuffer

    init(_ inner: any ResponseBodyWriter) throws {
        self.inner = inner
        compressor = try ZlibCompressor(algorithm: .gzip, configuration: .init(compressionLevel: .fastestCompression))
        window = ByteBufferAllocator().buffer(capacity: 64 * 1024)
    }

    mutating func write(_ buffer: ByteBuffer) async throws {
        var input = buffer
        var inner = self.inner
        try await input.compressStream(with: compressor, window: &window, flush: .no) { try await inner.write($0) }
        self.inner = inner
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {
        var input = ByteBuffer()
        var inner = self.inner
        try await input.compressStream(with: compressor, window: &window, flush: .finish) { try await inner.write($0) }
        try await inner.finish(trailingHeaders)
    }
}
