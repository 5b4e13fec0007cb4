import Foundation
import Logging

/// Every line a test daemon logs, at every level, message and metadata together: so a test can
/// say what must never be logged (a password, an SMS code) or that nothing went unhandled.
public final class LogCapture: Sendable {
    private let box = Box()
    public init() {}

    /// The lines so far, as `LEVEL message key=value …`.
    public var lines: [String] { box.lock.withLock { box.lines } }

    /// A logger that records here, at every level.
    func logger(label: String) -> Logger {
        var logger = Logger(label: label) { [box] _ in Handler(box: box) }
        logger.logLevel = .trace
        return logger
    }

    private final class Box: @unchecked Sendable {
        let lock = NSLock()
        var lines: [String] = []
    }

    private struct Handler: LogHandler {
        let box: Box
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(level: Logger.Level, message: Logger.Message, metadata extra: Logger.Metadata?, source: String,
                 file: String, function: String, line: UInt) {
            let all = metadata.merging(extra ?? [:]) { $1 }
            let text = ([level.rawValue.uppercased(), message.description] + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" })
                .joined(separator: " ")
            box.lock.withLock { box.lines.append(text) }
        }
    }
}
