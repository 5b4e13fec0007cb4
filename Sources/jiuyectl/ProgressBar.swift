import AdminProtocol
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress bar on standard error, drawn only when it is a terminal.
final class ProgressBar {
    private let enabled = isatty(STDERR_FILENO) == 1
    private var drawn = false

    func show(_ p: AdminProgress) {
        guard enabled, p.total > 0 else { return }
        let width = 30
        let filled = min(width, p.done * width / p.total)
        let percent = min(100, p.done * 100 / p.total)
        let line = "\r[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + "] \(percent)%"
        FileHandle.standardError.write(Data(line.utf8))
        drawn = true
    }

    func finish() {
        if drawn { FileHandle.standardError.write(Data(("\r" + String(repeating: " ", count: 40) + "\r").utf8)) }
    }
}
